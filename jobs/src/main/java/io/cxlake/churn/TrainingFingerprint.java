package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;

/**
 * What a churn training fits, as one hash: its rows (features and labels of every cutoff), the
 * cutoffs, the features, the churn settings and the cxlake version. Training is deterministic
 * (fixed partitioning, order and seeds), so two trainings with the same fingerprint fit the same
 * model, and a run that finds one can score with it instead of fitting it again: a day of new
 * data changes no training row until a new cutoff's label window closes, or older data changes.
 *
 * <p>Doubles count to 6 decimals: the last bits of a sum of doubles depend on the order in which
 * Spark merges partial aggregates, and must not make the same data look new. They are rounded to 9
 * decimals first: an average of 4-decimal hours over 8 contacts lies exactly on a 7th-decimal 5 half
 * the time, and rounded once its last bits would pick the side. Rows count by an order-free sum of
 * their 64-bit hashes (as a decimal, which cannot overflow), so the partitioning does not matter
 * either; each column's cells are summed the same way, so a fingerprint that does not match says
 * which columns moved. The cost is one pass over the rows, which training has cached.
 */
final class TrainingFingerprint {
  private TrainingFingerprint() {}

  /**
   * @param whole the fingerprint
   * @param columns per column of the rows, the order-free sum of its cells' hashes: where two
   *     trainings' rows differ
   */
  record Fingerprint(String whole, Map<String, String> columns) {
    /** The columns whose cells differ from {@code earlier}'s (added or removed columns included). */
    List<String> movedSince(Map<String, String> earlier) {
      java.util.Set<String> names = new java.util.TreeSet<>(columns.keySet());
      names.addAll(earlier.keySet());
      return names.stream().filter(n -> !java.util.Objects.equals(columns.get(n), earlier.get(n))).toList();
    }
  }

  static Fingerprint of(Dataset<Row> rows, Cutoffs cutoffs, List<String> features, ChurnConfig cfg) {
    List<Column> cells = new ArrayList<>();
    List<Column> sums = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      Column c = col(f.name());
      Column cell = f.dataType() instanceof DoubleType || f.dataType() instanceof FloatType ? round(round(c, 9), 6) : c;
      cells.add(cell);
      sums.add(sum(xxhash64(cell).cast("decimal(38,0)")).cast("string"));
    }
    sums.add(0, sum(xxhash64(cells.toArray(Column[]::new)).cast("decimal(38,0)")).cast("string"));
    sums.add(1, count(lit(1)).cast("string"));
    Row row = rows.agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new)).first();
    Map<String, String> columns = new LinkedHashMap<>();
    String[] names = rows.columns();
    for (int i = 0; i < names.length; i++) {
      columns.put(names[i], row.getString(i + 2));
    }
    String whole = sha256(String.join("\n", row.getString(0), row.getString(1), String.join(",", names),
        cutoffs.toString(), features.toString(), io.cxlake.core.FitSettings.of(cfg, "refitDays"), io.cxlake.core.CxlakeVersion.current()));
    return new Fingerprint(whole, columns);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
