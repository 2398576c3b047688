package io.cxlake.metrics;

import static org.apache.spark.sql.functions.expr;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * The periods an incremental run recomputes, per grain: each changed day marks the periods
 * that contain it, and — for metrics that look back (churn, retention, adoption) — the
 * periods up to a number of days later.
 */
public final class PeriodSet {
  private final List<String> periodTypes;
  private final Map<String, TreeSet<LocalDate>> starts = new TreeMap<>();

  public PeriodSet(List<String> periodTypes) {
    this.periodTypes = List.copyOf(periodTypes);
    for (String t : periodTypes) {
      starts.put(t, new TreeSet<>());
    }
  }

  public static LocalDate startOf(String periodType, LocalDate day) {
    return periodType.equals("month") ? day.withDayOfMonth(1) : day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  /** Marks the periods of every day from {@code day} to {@code day + reachDays}, capped at {@code last}. */
  public PeriodSet touch(LocalDate day, int reachDays, LocalDate last) {
    LocalDate end = day.plusDays(reachDays);
    if (end.isAfter(last)) {
      end = last;
    }
    for (String t : periodTypes) {
      LocalDate p = startOf(t, day);
      while (!p.isAfter(end)) {
        starts.get(t).add(p);
        p = t.equals("month") ? p.plusMonths(1) : p.plusWeeks(1);
      }
    }
    return this;
  }

  /**
   * The first day of the period before the earliest marked one (over all grains): figures that
   * compare a period with the previous one need the rows from there on. Null when none is marked.
   */
  public LocalDate firstDayWithPrevious() {
    LocalDate first = null;
    for (Map.Entry<String, TreeSet<LocalDate>> e : starts.entrySet()) {
      if (!e.getValue().isEmpty()) {
        LocalDate p = e.getValue().first();
        LocalDate previous = e.getKey().equals("month") ? p.minusMonths(1) : p.minusWeeks(1);
        first = first == null || previous.isBefore(first) ? previous : first;
      }
    }
    return first;
  }

  public boolean isEmpty() {
    return starts.values().stream().allMatch(TreeSet::isEmpty);
  }

  public int size() {
    return starts.values().stream().mapToInt(TreeSet::size).sum();
  }

  public Map<String, TreeSet<LocalDate>> starts() {
    return starts;
  }

  /** SQL predicate on period_type/period_start selecting these periods (for filters and REPLACE WHERE). */
  public String sql() {
    List<String> parts = starts.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .map(e -> "(period_type = '" + e.getKey() + "' AND period_start IN ("
            + e.getValue().stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", ")) + "))")
        .toList();
    return parts.isEmpty() ? "false" : String.join(" OR ", parts);
  }

  public Column predicate() {
    return expr(sql());
  }

  @Override
  public String toString() {
    return starts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().size()).collect(Collectors.joining(", "));
  }
}
