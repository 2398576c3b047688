package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Kaplan–Meier curves per population, dimension and group from events and censorings counted
 * per day in Spark (rows: groups × days, not customers), and the log-rank test of each
 * dimension's groups.
 */
public final class SurvivalCurves {
  private SurvivalCurves() {}

  /** One group's events and censorings per day, ascending. */
  public record GroupCounts(String population, String dimension, String group, double[] days, double[] events,
      double[] censored) {
    double customers() {
      double n = 0;
      for (int i = 0; i < days.length; i++) {
        n += events[i] + censored[i];
      }
      return n;
    }
  }

  /**
   * population, dimension, group_value, time, events, censored.
   * @param subjects one row per customer with time, event and the dimension columns
   */
  public static Dataset<Row> counts(Dataset<Row> subjects, String population, List<String> dimensions) {
    List<Column> groups = new ArrayList<>();
    groups.add(struct(lit("all").as("dimension"), lit("all").as("group_value")));
    for (String d : dimensions) {
      groups.add(struct(lit(d).as("dimension"), coalesce(col("`" + d + "`").cast("string"), lit("unknown")).as("group_value")));
    }
    return subjects.select(col("time"), col("event"), explode(array(groups.toArray(Column[]::new))).as("g"))
        .groupBy(lit(population).as("population"), col("g.dimension").as("dimension"), col("g.group_value").as("group_value"),
            col("time"))
        .agg(sum(when(col("event"), 1.0).otherwise(0.0)).as("events"), sum(when(col("event"), 0.0).otherwise(1.0)).as("censored"));
  }

  /**
   * The collected counts as one entry per group, ordered by population, dimension, group and
   * time. Sorted here, not by Spark (a sort costs a sampling job): the rows are groups × days.
   */
  public static List<GroupCounts> groups(List<Row> counts) {
    List<Row> sorted = new ArrayList<>(counts);
    sorted.sort(java.util.Comparator.<Row, String>comparing(r -> r.getString(0)).thenComparing(r -> r.getString(1))
        .thenComparing(r -> r.getString(2)).thenComparingDouble(r -> r.getDouble(3)));
    Map<List<String>, List<Row>> by = new LinkedHashMap<>();
    sorted.forEach(r -> by.computeIfAbsent(List.of(r.getString(0), r.getString(1), r.getString(2)), k -> new ArrayList<>()).add(r));
    List<GroupCounts> out = new ArrayList<>();
    by.forEach((k, rows) -> out.add(new GroupCounts(k.get(0), k.get(1), k.get(2),
        rows.stream().mapToDouble(r -> r.getDouble(3)).toArray(), rows.stream().mapToDouble(r -> r.getDouble(4)).toArray(),
        rows.stream().mapToDouble(r -> r.getDouble(5)).toArray())));
    return out;
  }

  public static double z(double confidence) {
    return new NormalDistribution().inverseCumulativeProbability(0.5 + confidence / 2);
  }

  public static KaplanMeier.Curve curve(GroupCounts g, double confidence) {
    return KaplanMeier.fit(g.days(), g.events(), g.censored(), z(confidence));
  }

  /**
   * Rows of survival_curve and survival_group for every group.
   *
   * @param inDays   whether times are days (survival after 365 days is then given)
   * @param settings what the analysis depends on ({@link SurvivalConfig#settings}), or null
   */
  public static List<List<Row>> rows(LocalDate asOf, List<GroupCounts> groups, boolean inDays, SurvivalConfig cfg,
      String settings) {
    Date day = Date.valueOf(asOf);
    List<Row> curveRows = new ArrayList<>();
    List<Row> groupRows = new ArrayList<>();
    Map<List<String>, LogRank.Result> logRanks = logRanks(groups, cfg.minGroupCustomers());
    for (GroupCounts g : groups) {
      boolean enough = g.customers() >= cfg.minGroupCustomers() || g.dimension().equals("all");
      KaplanMeier.Curve c = curve(g, cfg.confidence());
      if (enough) {
        for (KaplanMeier.Step s : c.steps()) {
          curveRows.add(RowFactory.create(day, g.population(), g.dimension(), g.group(), s.time(), s.atRisk(), s.events(),
              s.censored(), s.survival(), s.stdError(), s.lower(), s.upper()));
        }
      }
      LogRank.Result lr = g.dimension().equals("all") ? null : logRanks.get(List.of(g.population(), g.dimension()));
      Double s365 = null;
      if (enough && inDays && g.days()[g.days().length - 1] >= 365) {
        double s = 1;
        for (KaplanMeier.Step step : c.steps()) {
          if (step.time() <= 365) {
            s = step.survival();
          }
        }
        s365 = s;
      }
      groupRows.add(RowFactory.create(day, g.population(), g.dimension(), g.group(), (long) g.customers(), (long) c.events(),
          enough ? c.median() : null, enough ? c.medianLower() : null, enough ? c.medianUpper() : null, s365,
          lr == null || !enough ? null : lr.chiSquared(), lr == null || !enough ? null : lr.degreesOfFreedom(),
          lr == null || !enough ? null : lr.pValue(),
          enough ? null : "fewer than survival.min_group_customers (" + cfg.minGroupCustomers() + ") customers: no curve",
          settings));
    }
    return List.of(curveRows, groupRows);
  }

  /** Per population and dimension, the log-rank test of the groups with enough customers. */
  static Map<List<String>, LogRank.Result> logRanks(List<GroupCounts> groups, int minCustomers) {
    Map<List<String>, List<GroupCounts>> byDimension = new LinkedHashMap<>();
    for (GroupCounts g : groups) {
      if (!g.dimension().equals("all") && g.customers() >= minCustomers) {
        byDimension.computeIfAbsent(List.of(g.population(), g.dimension()), k -> new ArrayList<>()).add(g);
      }
    }
    Map<List<String>, LogRank.Result> out = new LinkedHashMap<>();
    byDimension.forEach((k, gs) -> {
      TreeSet<Double> pooled = new TreeSet<>();
      gs.forEach(g -> {
        for (int i = 0; i < g.days().length; i++) {
          if (g.events()[i] > 0) {
            pooled.add(g.days()[i]);
          }
        }
      });
      double[] times = pooled.stream().mapToDouble(Double::doubleValue).toArray();
      double[][] events = new double[gs.size()][times.length];
      double[][] atRisk = new double[gs.size()][times.length];
      for (int g = 0; g < gs.size(); g++) {
        GroupCounts c = gs.get(g);
        double left = c.customers();
        int i = 0;
        for (int t = 0; t < times.length; t++) {
          while (i < c.days().length && c.days()[i] < times[t]) {
            left -= c.events()[i] + c.censored()[i];
            i++;
          }
          atRisk[g][t] = left;
          events[g][t] = i < c.days().length && c.days()[i] == times[t] ? c.events()[i] : 0;
        }
      }
      LogRank.Result r = times.length == 0 ? null : LogRank.test(events, atRisk);
      if (r != null) {
        out.put(k, r);
      }
    });
    return out;
  }
}
