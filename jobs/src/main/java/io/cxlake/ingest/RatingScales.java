package io.cxlake.ingest;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.ColumnSpec;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.SourcesConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Ratings as the source codes them (sources.yaml {@code scales}), applied while mapping a landing
 * file — pure column transformations. A not-applicable code reads as no answer. A column with
 * a canonical scale (NPS 0-10, CSAT 1-5, ...) is shifted onto it one to one, so an out-of-scale
 * code stays out of range and is quarantined by curate. survey_ratings keeps each score on its
 * own scale and records the bounds in scale_min and scale_max (unless the mapping supplies them).
 */
final class RatingScales {
  private RatingScales() {}

  static void apply(Map<String, Column> canonical, EntitySpec e, SourcesConfig.Source source) {
    if (source.scales() == null || source.scales().isEmpty()) {
      return;
    }
    // Per column, one CASE over its entries: attribute sets first, the default entry (all other attributes) last.
    Map<String, List<SourcesConfig.Scale>> byColumn = new LinkedHashMap<>();
    source.scales().stream().sorted(Comparator.comparing(RatingScales::isDefault))
        .forEach(s -> byColumn.computeIfAbsent(s.column(), k -> new ArrayList<>()).add(s));
    byColumn.forEach((column, scales) -> {
      ColumnSpec spec = e.column(column).orElseThrow();
      boolean perRow = spec.minFrom() != null; // survey_ratings.score: bounds go to scale_min/scale_max
      Column raw = canonical.get(column);
      Column value = null;
      Column lo = null;
      Column hi = null;
      for (SourcesConfig.Scale s : scales) {
        Column applies = isDefault(s) ? lit(true) : canonical.get("attribute").isin(s.attributes().toArray());
        Column recoded = recode(raw, s, perRow ? 0 : spec.min().longValue() - s.min());
        value = value == null ? when(applies, recoded) : value.when(applies, recoded);
        lo = lo == null ? when(applies, lit(s.min())) : lo.when(applies, lit(s.min()));
        hi = hi == null ? when(applies, lit(s.max())) : hi.when(applies, lit(s.max()));
      }
      canonical.put(column, value.otherwise(raw));
      boolean boundsMapped = source.columns() != null
          && (source.columns().containsKey(spec.minFrom()) || source.columns().containsKey(spec.maxFrom()));
      if (perRow && !boundsMapped) {
        canonical.put(spec.minFrom(), lo.cast("string"));
        canonical.put(spec.maxFrom(), hi.cast("string"));
      }
    });
  }

  /** The not-applicable code as null; an integral code shifted and written without decimals ("76.0" -> "76"). */
  private static Column recode(Column raw, SourcesConfig.Scale s, long shift) {
    Column code = raw.try_cast("double");
    return when(s.notApplicable() != null ? code.equalTo(s.notApplicable()) : lit(false), lit(null).cast("string"))
        .when(code.equalTo(floor(code)), code.plus(shift).cast("long").cast("string"))
        .otherwise(raw);
  }

  /** The scale-bound columns (scale_min, scale_max) the declared scales fill. */
  static List<String> boundColumns(EntitySpec e, SourcesConfig.Source source) {
    if (source.scales() == null) {
      return List.of();
    }
    return source.scales().stream().map(s -> e.column(s.column()).orElseThrow()).filter(c -> c.minFrom() != null)
        .flatMap(c -> java.util.stream.Stream.of(c.minFrom(), c.maxFrom())).distinct().toList();
  }

  private static boolean isDefault(SourcesConfig.Scale s) {
    return s.attributes() == null || s.attributes().isEmpty();
  }
}
