package io.cxlake.survival;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The survival analysis of a day stands for the runs less than survival.refit_days after it with
 * the same settings (own durations, which carry no settings, never do); a run a refit period on,
 * before the analysis, with other settings, on --full-refresh or with refit_days 0 analyses; so
 * does one whose survival_group predates the settings column.
 */
class SurvivalRefitTest {
  private static final String PREFIX = "survivalrefit";
  private static final LocalDate ANALYSED = LocalDate.of(2026, 6, 30);

  private static JobContext context(LocalDate asOf, String yaml, boolean fullRefresh) {
    return JobContext.create(TestSpark.session(), TestSpark.config(PREFIX,
        TestSpark.repoRoot().resolve("conf/sources.yaml").toString(), yaml), asOf, null, fullRefresh);
  }

  private static LocalDate standing(LocalDate asOf, String yaml, boolean fullRefresh) {
    JobContext ctx = context(asOf, yaml, fullRefresh);
    return SurvivalStage.standingAnalysis(ctx, ctx.config().get(SurvivalConfig.SECTION), asOf);
  }

  @Test
  void anAnalysisStandsForTheRunsWithinRefitDays() {
    TestSpark.dropDatabases(PREFIX);
    JobContext ctx = context(ANALYSED, "", false);
    SurvivalConfig cfg = ctx.config().get(SurvivalConfig.SECTION);
    assertEquals(7, cfg.refitDays(), "the packaged default");
    assertNull(standing(ANALYSED, "", false), "no survival_group yet");
    String table = ctx.catalog().gold(SurvivalContracts.SURVIVAL_GROUP.name());
    ctx.spark().sql("CREATE DATABASE IF NOT EXISTS " + PREFIX + "_gold");
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT DATE'" + ANALYSED + "' AS as_of_date, 'lifetime' AS population");
    assertNull(standing(ANALYSED.plusDays(1), "", false), "a survival_group of an older cxlake: no settings recorded");

    ctx.spark().sql("DROP TABLE " + table);
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT DATE'" + ANALYSED + "' AS as_of_date, 'lifetime' AS "
        + "population, '" + cfg.settings() + "' AS settings UNION ALL SELECT DATE'" + ANALYSED.plusDays(3)
        + "', 'own', CAST(NULL AS STRING)");
    assertEquals(ANALYSED, standing(ANALYSED, "", false), "a rerun of the day");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(6), "", false), "own durations of a later day do not count");
    assertNull(standing(ANALYSED.plusDays(7), "", false), "a refit period on");
    assertNull(standing(ANALYSED.minusDays(1), "", false), "before the analysis");
    assertNull(standing(ANALYSED.plusDays(1), "", true), "--full-refresh");
    assertNull(standing(ANALYSED.plusDays(1), "survival: {refit_days: 0}", false));
    assertNull(standing(ANALYSED.plusDays(1), "survival: {inactivity_days: 120}", false), "other settings");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(20), "survival: {refit_days: 30}", false),
        "refit_days is no setting of the analysis");
    assertTrue(cfg.settings().contains("inactivityDays=180") && cfg.settings().contains("cxlake="), cfg.settings());
    assertFalse(cfg.settings().contains("refitDays"), cfg.settings());
  }
}
