package io.cxlake.curate;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.ColumnSpec;
import io.cxlake.core.ColumnType;
import io.cxlake.core.EntitySpec;
import io.cxlake.ingest.BronzeTables;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row-level typing and checks of bronze rows against the entity's contract — a pure
 * transformation. Adds the typed canonical columns (replacing the strings), {@code _reasons}
 * (empty when the row is valid), {@code _detail} and {@code _raw} (the row as landed, JSON).
 *
 * <p>Reason codes: malformed_record (the line could not be parsed at all), repeated_header
 * (a CSV header line inside the file), null_key, missing_value, bad_type, unparseable_ts,
 * out_of_range, invalid_value, future_ts, bad_encoding (text with U+FFFD, the mark of bytes
 * that were not valid in the file's declared encoding).
 *
 * <p>Values are trimmed; an empty string is no value (null); control characters other than tab
 * and line breaks are removed (they break CSV exports and BI drivers downstream).
 */
public final class Validation {
  private Validation() {}

  /** Control characters other than tab, line feed and carriage return: deleted by {@code translate}. */
  private static final String CONTROL_CHARACTERS = controlCharacters();
  private static final String REPLACEMENT_CHARACTER = "\uFFFD";

  /**
   * @param bronze        bronze rows (canonical columns as strings plus lineage)
   * @param futureLimit   a timestamp after this instant is {@code future_ts}
   */
  public static Dataset<Row> validate(Dataset<Row> bronze, EntitySpec e, Timestamp futureLimit) {
    List<Column> rawCols = new ArrayList<>();
    for (ColumnSpec c : e.columns()) {
      rawCols.add(col(c.name()));
    }
    rawCols.add(col("_corrupt_record"));
    // Each value is cleaned once, in its own projection: the checks below refer to it many times.
    List<Column> cleaned = new ArrayList<>();
    cleaned.add(col("*"));
    for (ColumnSpec c : e.columns()) {
      cleaned.add(nullif(trim(translate(col(c.name()), CONTROL_CHARACTERS, "")), lit("")).as(cleanName(c)));
    }
    Dataset<Row> d = bronze.withColumn("_raw", to_json(struct(rawCols.toArray(Column[]::new)), java.util.Map.of("ignoreNullFields", "false")))
        .select(cleaned.toArray(Column[]::new));

    List<Column> reasons = new ArrayList<>();
    List<Column> details = new ArrayList<>();
    List<Column> typed = new ArrayList<>();
    Column badEncoding = lit(false);
    for (ColumnSpec c : e.columns()) {
      Column raw = col(cleanName(c));
      badEncoding = badEncoding.or(coalesce(col(c.name()).contains(REPLACEMENT_CHARACTER), lit(false)));
      Column value = typedValue(raw, c);
      typed.add(value.as(c.name()));
      Column problem;
      if (c.required()) {
        reasons.add(when(raw.isNull(), lit(e.isKey(c.name()) ? "null_key" : "missing_value")));
      }
      Column unparsed = raw.isNotNull().and(value.isNull());
      reasons.add(when(unparsed, lit(c.type().isTemporal() ? "unparseable_ts" : "bad_type")));
      problem = unparsed;
      Column lo = bound(c.minFrom(), c.min(), e);
      Column hi = bound(c.maxFrom(), c.max(), e);
      if (lo != null || hi != null) {
        Column out = lit(false);
        if (lo != null) {
          out = out.or(value.lt(lo));
        }
        if (hi != null) {
          out = out.or(value.gt(hi));
        }
        if (lo != null && hi != null) {
          out = out.or(lo.geq(hi));
        }
        out = value.isNotNull().and(out);
        reasons.add(when(out, lit("out_of_range")));
        problem = problem.or(out);
      }
      if (!c.accepted().isEmpty()) {
        Column bad = value.isNotNull().and(not(value.isin(c.accepted().toArray())));
        reasons.add(when(bad, lit("invalid_value")));
        problem = problem.or(bad);
      }
      if (c.notFuture()) {
        Column future = value.isNotNull().and(value.cast("timestamp").gt(lit(futureLimit)));
        reasons.add(when(future, lit("future_ts")));
        problem = problem.or(future);
      }
      details.add(when(problem, concat(lit(c.name() + "="), coalesce(raw, lit("null")))));
    }
    reasons.add(when(badEncoding, lit("bad_encoding")));
    details.add(when(badEncoding, lit("text has U+FFFD: the file is not in the encoding its source declares")));
    Column repeatedHeader = col("_corrupt_record").startsWith(BronzeTables.REPEATED_HEADER);
    Column rowReasons = when(repeatedHeader, array(lit("repeated_header")))
        .when(col("_corrupt_record").isNotNull(), array(lit("malformed_record")))
        .otherwise(array_compact(array(reasons.toArray(Column[]::new))));
    Column detail = when(repeatedHeader, lit("the header line again, inside the file (files concatenated?)"))
        .when(col("_corrupt_record").isNotNull(), concat(lit("line could not be parsed: "),
            substring(col("_corrupt_record"), 1, 200)))
        .otherwise(concat_ws("; ", details.toArray(Column[]::new)));

    List<Column> out = new ArrayList<>(typed);
    out.add(rowReasons.as("_reasons"));
    out.add(detail.as("_detail"));
    for (String meta : List.of("_raw", "_source_file", "_row_seq", "_batch_id")) {
      out.add(col(meta));
    }
    return d.select(out.toArray(Column[]::new));
  }

  private static String cleanName(ColumnSpec c) {
    return "_clean_" + c.name();
  }

  private static String controlCharacters() {
    StringBuilder sb = new StringBuilder();
    for (char ch = 0; ch < 0x20; ch++) {
      if (ch != '\t' && ch != '\n' && ch != '\r') {
        sb.append(ch);
      }
    }
    return sb.append('\u007F').toString();
  }

  /** A column's bound: read from another column of the row where given there, else the fixed one (or none). */
  private static Column bound(String fromColumn, Double fixed, EntitySpec e) {
    Column constant = fixed == null ? null : lit(fixed);
    if (fromColumn == null) {
      return constant;
    }
    Column perRow = typedValue(nullif(trim(col(fromColumn)), lit("")), e.column(fromColumn).orElseThrow());
    return constant == null ? perRow : coalesce(perRow, constant);
  }

  /** The typed, conformed value, or null when the string does not parse. */
  static Column typedValue(Column raw, ColumnSpec c) {
    return switch (c.type()) {
      case STRING -> conform(raw, c);
      case BOOLEAN -> lower(raw).try_cast("boolean");
      case INT, LONG -> {
        // "7.0" is a whole number as statistics packages and spreadsheets export it; "7.5" stays bad_type
        Column number = raw.try_cast("double");
        yield coalesce(raw.try_cast(c.type().sqlType()),
            when(number.equalTo(floor(number)), number.try_cast(c.type().sqlType())));
      }
      default -> raw.try_cast(c.type().sqlType());
    };
  }

  private static Column conform(Column raw, ColumnSpec c) {
    if (!c.accepted().isEmpty()) {
      return lower(raw);
    }
    return switch (c.name()) {
      case "country" -> upper(raw);
      case "email" -> lower(raw);
      default -> raw;
    };
  }

  static boolean isNumeric(ColumnType t) {
    return t == ColumnType.INT || t == ColumnType.LONG || t == ColumnType.DOUBLE || t == ColumnType.DECIMAL;
  }
}
