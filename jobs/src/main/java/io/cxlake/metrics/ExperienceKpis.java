package io.cxlake.metrics;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.TableColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * kpi_experience (SPEC §7.1-7.4): weighted NPS with its standard error and 95% CI, the
 * promoter/passive/detractor split, CSAT top-2-box and mean, CES mean, CX index and RATER,
 * per period and slice, from one aggregation over exploded rows.
 *
 * <p>With weights w: p = Σw·[group] / Σw over the answers of that item, and the standard
 * errors use Kish's effective n = (Σw)² / Σw². Without weights (all 1) effective n is the
 * count and the formulas are the textbook ones.
 */
public final class ExperienceKpis {
  private ExperienceKpis() {}

  static final double Z95 = 1.959963984540054;

  /**
   * Per-response rows ready to aggregate: the fact joined to its RATER dimension scores
   * (0-100, one column per dimension, mean over the response's ratings of it).
   */
  public static Dataset<Row> responsesWithRater(Dataset<Row> factResponse, Dataset<Row> factRating) {
    Dataset<Row> rater = factRating.where(col("attribute").isin((Object[]) Customer360.RATER))
        .groupBy("response_id").pivot("attribute", List.of((Object[]) Customer360.RATER)).agg(avg("score_100"));
    for (String d : Customer360.RATER) {
      rater = rater.withColumnRenamed(d, "rater_" + d);
    }
    return factResponse.join(rater, new String[] {"response_id"}, "left");
  }

  /**
   * Weighted sums (sufficient statistics) per group; {@link #metrics} turns them into KPIs.
   * Kept apart so alerts can pool periods by adding sums.
   */
  public static List<Column> sums(boolean withRater) {
    Column w = exact(col("weight"));
    List<Column> s = new ArrayList<>();
    s.add(count(lit(1)).as("responses"));
    s.add(count(col("nps")).as("nps_responses"));
    s.add(sum(when(col("nps").isNotNull(), w)).as("w_nps"));
    s.add(sum(when(col("nps").isNotNull(), w.multiply(w))).as("w2_nps"));
    s.add(coalesce(sum(when(col("nps").geq(9), w)), ZERO).as("w_promoters"));
    s.add(coalesce(sum(when(col("nps").leq(6), w)), ZERO).as("w_detractors"));
    s.addAll(meanSums("csat", col("csat")));
    s.add(coalesce(sum(when(col("csat").geq(4), w)), ZERO).as("w_csat_top2"));
    s.addAll(meanSums("ces", col("ces")));
    s.addAll(meanSums("cx", col("cx_index")));
    for (String d : withRater ? Customer360.RATER : new String[0]) {
      Column x = exact(col("rater_" + d));
      s.add(sum(when(x.isNotNull(), w)).as("w_rater_" + d));
      s.add(sum(w.multiply(x)).as("wx_rater_" + d));
    }
    return s;
  }

  /**
   * Sums are taken in decimal: floating-point addition depends on the order rows arrive in,
   * which differs between runs and between an incremental and a full rebuild; decimal sums
   * are exact, so reruns give identical tables to the last digit.
   */
  static final String EXACT = "decimal(24,10)";

  private static final Column ZERO = lit(0).cast(EXACT);

  static Column exact(Column c) {
    return c.cast(EXACT);
  }


  /** Σw, Σw², Σw·x, Σw·x² over the non-null answers of one item. */
  private static List<Column> meanSums(String name, Column x) {
    Column w = exact(col("weight"));
    Column e = exact(x);
    return List.of(
        count(x).as("n_" + name),
        sum(when(x.isNotNull(), w)).as("w_" + name),
        sum(when(x.isNotNull(), w.multiply(w))).as("w2_" + name),
        sum(w.multiply(e)).as("wx_" + name),
        sum(w.multiply(e).multiply(e)).as("wxx_" + name));
  }

  /** Aggregates rows (with a weight column) by the given columns into sums (decimal, exact). */
  public static Dataset<Row> aggregate(Dataset<Row> rows, String... groupBy) {
    List<Column> s = sums(TableColumns.has(rows, "rater_reliability"));
    return Cols.group(rows, groupBy).agg(s.get(0), s.subList(1, s.size()).toArray(Column[]::new));
  }

  /** Names of the sum columns {@link #aggregate} produces. */
  static List<String> sumColumns(Dataset<Row> sums) {
    List<String> out = new ArrayList<>();
    for (String c : sums.columns()) {
      if (c.equals("responses") || c.equals("nps_responses") || c.startsWith("n_") || c.startsWith("w")) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Adds up sums by coarser groups: every slice and pooled period is a roll-up of a small
   * pre-aggregate instead of a pass over exploded raw rows. Exact because the sums are decimal.
   */
  public static Dataset<Row> resum(Dataset<Row> sums, String... groupBy) {
    List<Column> s = sumColumns(sums).stream().map(c -> sum(col(c)).as(c)).toList();
    return Cols.group(sums, groupBy).agg(s.get(0), s.subList(1, s.size()).toArray(Column[]::new));
  }

  /** The decimal sums as doubles, for the KPI formulas. */
  public static Dataset<Row> asDouble(Dataset<Row> sums) {
    List<Column> cols = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : sums.schema().fields()) {
      cols.add(f.dataType() instanceof org.apache.spark.sql.types.DecimalType
          ? col(f.name()).cast("double").as(f.name()) : col(f.name()));
    }
    return sums.select(cols.toArray(Column[]::new));
  }

  /** KPI columns computed from the sums (names of the kpi_experience table). */
  public static List<Column> metrics(int minResponses) {
    List<Column> m = new ArrayList<>();
    Column pP = col("w_promoters").divide(col("w_nps"));
    Column pD = col("w_detractors").divide(col("w_nps"));
    Column effN = kish("nps");
    Column nps = pP.minus(pD).multiply(100);
    Column se = sqrt(pP.plus(pD).minus(pow(pP.minus(pD), 2)).divide(effN)).multiply(100);
    m.add(col("responses"));
    m.add(col("nps_responses"));
    m.add(round(effN, 4).as("effective_n"));
    m.add(round(nps, 4).as("nps"));
    m.add(round(se, 4).as("nps_se"));
    m.add(round(greatest(nps.minus(se.multiply(Z95)), lit(-100.0)), 4).as("nps_ci_low"));
    m.add(round(least(nps.plus(se.multiply(Z95)), lit(100.0)), 4).as("nps_ci_high"));
    m.add(round(pP.multiply(100), 4).as("promoters_pct"));
    m.add(round(lit(1.0).minus(pP).minus(pD).multiply(100), 4).as("passives_pct"));
    m.add(round(pD.multiply(100), 4).as("detractors_pct"));
    m.add(col("n_csat").as("csat_responses"));
    Column top2 = col("w_csat_top2").divide(col("w_csat"));
    m.add(round(top2.multiply(100), 4).as("csat_top2_pct"));
    m.add(round(sqrt(top2.multiply(lit(1.0).minus(top2)).divide(kish("csat"))).multiply(100), 4).as("csat_top2_se"));
    m.add(round(mean("csat"), 4).as("csat_mean"));
    m.add(col("n_ces").as("ces_responses"));
    m.add(round(mean("ces"), 4).as("ces_mean"));
    m.add(round(meanSe("ces"), 4).as("ces_se"));
    m.add(round(mean("cx"), 4).as("cx_index"));
    m.add(round(meanSe("cx"), 4).as("cx_index_se"));
    Column raterSum = lit(0.0);
    for (String d : Customer360.RATER) {
      Column v = col("wx_rater_" + d).divide(col("w_rater_" + d));
      m.add(round(v, 4).as("rater_" + d));
      raterSum = raterSum.plus(v);
    }
    // The index needs all five dimensions; a missing one leaves it null rather than biased.
    m.add(round(raterSum.divide(Customer360.RATER.length), 4).as("rater_index"));
    m.add(coalesce(effN.lt(minResponses), lit(true)).as("low_confidence"));
    return m;
  }

  /** Kish's effective sample size (Σw)² / Σw² of one item. */
  public static Column kish(String item) {
    return pow(col("w_" + item), 2).divide(col("w2_" + item));
  }

  public static Column mean(String item) {
    return col("wx_" + item).divide(col("w_" + item));
  }

  /**
   * Standard error of a weighted mean: s / sqrt(n_eff), with s² the weighted variance scaled
   * by n_eff / (n_eff − 1) — the usual sample variance when all weights are 1.
   */
  public static Column meanSe(String item) {
    Column effN = kish(item);
    Column var = col("wxx_" + item).divide(col("w_" + item)).minus(pow(mean(item), 2));
    Column sample = greatest(var, lit(0.0)).multiply(effN).divide(effN.minus(1));
    return when(effN.gt(1), sqrt(sample.divide(effN)));
  }

  /** period_type, period_start and every configured slice column the rows have. */
  public static String[] comboColumns(Dataset<Row> rows, List<String> slices) {
    List<String> have = List.of(rows.columns());
    List<String> out = new ArrayList<>(List.of("period_type", "period_start"));
    slices.stream().filter(have::contains).forEach(out::add);
    return out.toArray(String[]::new);
  }

  /** kpi_experience rows for the given periods and slices (all periods when periods is null). */
  public static Dataset<Row> build(Dataset<Row> responsesWithRater, List<String> periodTypes, List<String> slices,
      PeriodSet periods, int minResponses) {
    Dataset<Row> rows = Periods.explodePeriods(responsesWithRater, col("response_date"), periodTypes);
    if (periods != null) {
      rows = rows.where(periods.predicate());
    }
    Dataset<Row> perCombo = aggregate(rows, comboColumns(rows, slices));
    Dataset<Row> sums = asDouble(resum(Periods.explodeSlices(perCombo, slices),
        "period_type", "period_start", "slice", "slice_value"));
    List<Column> out = new ArrayList<>(List.of(col("period_type"), col("period_start"),
        Periods.end(col("period_type"), col("period_start")).as("period_end"), col("slice"), col("slice_value")));
    out.addAll(metrics(minResponses));
    return sums.select(out.toArray(Column[]::new));
  }
}
