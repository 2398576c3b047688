package io.cxlake.platform;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The rule every scheduled analysis follows (drivers, survival, churn): an analysis stands for the
 * runs less than refit_days after it with the same settings; a run a refit period on, before the
 * analysis (it saw later data), with other settings, on --full-refresh or with refit_days 0
 * analyses; so does one whose table does not exist or predates its settings column.
 */
public class AsOfStandingTest {
  private static final String PREFIX = "asofstanding";
  private static final LocalDate ANALYSED = LocalDate.of(2026, 6, 30);

  public static JobContext context(String prefix, LocalDate asOf, String yaml, boolean fullRefresh) {
    return JobContext.create(TestSpark.session(), TestSpark.config(prefix,
        TestSpark.repoRoot().resolve("conf/sources.yaml").toString(), yaml), asOf, null, fullRefresh);
  }

  private static LocalDate standing(String table, LocalDate asOf, int refitDays, String settings, boolean fullRefresh) {
    return AsOf.standing(context(PREFIX, asOf, "", fullRefresh), table, asOf, refitDays, settings);
  }

  @Test
  void anAnalysisStandsForTheRunsWithinRefitDaysWithItsSettings() {
    TestSpark.dropDatabases(PREFIX);
    JobContext ctx = context(PREFIX, ANALYSED, "", false);
    String table = ctx.catalog().gold("analysis");
    assertNull(standing(table, ANALYSED, 7, "a=1", false), "no table yet");
    ctx.spark().sql("CREATE DATABASE IF NOT EXISTS " + PREFIX + "_gold");
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT DATE'" + ANALYSED + "' AS as_of_date");
    assertNull(standing(table, ANALYSED, 7, "a=1", false), "a table of an older cxlake: no settings recorded");

    ctx.spark().sql("DROP TABLE " + table);
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT * FROM VALUES (DATE'" + ANALYSED.minusDays(4)
        + "', 'a=1'), (DATE'" + ANALYSED + "', 'a=1'), (DATE'" + ANALYSED.plusDays(3) + "', 'a=2') AS t(as_of_date, settings)");
    assertEquals(ANALYSED, standing(table, ANALYSED, 7, "a=1", false), "a rerun of the day");
    assertEquals(ANALYSED, standing(table, ANALYSED.plusDays(6), 7, "a=1", false), "the latest of two within refit_days");
    assertNull(standing(table, ANALYSED.plusDays(7), 7, "a=1", false), "a refit period on");
    assertEquals(ANALYSED.minusDays(4), standing(table, ANALYSED.minusDays(1), 7, "a=1", false),
        "before an analysis: the one before it, never one that saw later data");
    assertNull(standing(table, ANALYSED.minusDays(5), 7, "a=1", false), "before every analysis");
    assertNull(standing(table, ANALYSED.plusDays(1), 7, "a=1", true), "--full-refresh");
    assertNull(standing(table, ANALYSED.plusDays(1), 0, "a=1", false), "refit_days 0");
    assertNull(standing(table, ANALYSED.plusDays(1), 7, "a=3", false), "other settings");
    assertEquals(ANALYSED.plusDays(3), standing(table, ANALYSED.plusDays(4), 7, "a=2", false), "only rows of these settings");
    assertEquals(ANALYSED, standing(table, ANALYSED.plusDays(20), 30, "a=1", false), "a longer refit period");
  }
}
