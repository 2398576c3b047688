package io.cxlake.survival;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Survival is analysed at most every survival.refit_days (the rule itself: AsOfStandingTest): the
 * stage asks it of survival_group with its settings, which hold every survival key but
 * refit_days; own durations, which carry no settings, never stand for an analysis.
 */
class SurvivalRefitTest {
  private static final String PREFIX = "survivalrefit";
  private static final LocalDate ANALYSED = LocalDate.of(2026, 6, 30);

  private static LocalDate standing(LocalDate asOf, String yaml) {
    JobContext ctx = io.cxlake.platform.AsOfStandingTest.context(PREFIX, asOf, yaml, false);
    return SurvivalStage.standingAnalysis(ctx, ctx.config().get(SurvivalConfig.SECTION), asOf);
  }

  @Test
  void anAnalysisStandsForTheRunsWithinRefitDaysWithTheSameSurvivalSettings() {
    TestSpark.dropDatabases(PREFIX);
    JobContext ctx = io.cxlake.platform.AsOfStandingTest.context(PREFIX, ANALYSED, "", false);
    SurvivalConfig cfg = ctx.config().get(SurvivalConfig.SECTION);
    assertEquals(7, cfg.refitDays(), "the packaged default");
    String table = ctx.catalog().gold(SurvivalContracts.SURVIVAL_GROUP.name());
    ctx.spark().sql("CREATE DATABASE IF NOT EXISTS " + PREFIX + "_gold");
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT DATE'" + ANALYSED + "' AS as_of_date, 'lifetime' AS "
        + "population, '" + cfg.settings() + "' AS settings UNION ALL SELECT DATE'" + ANALYSED.plusDays(3)
        + "', 'own', CAST(NULL AS STRING)");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(6), ""), "own durations of a later day do not count");
    assertNull(standing(ANALYSED.plusDays(7), ""), "a refit period on");
    assertNull(standing(ANALYSED.plusDays(1), "survival: {inactivity_days: 120}"), "other settings");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(20), "survival: {refit_days: 30}"),
        "refit_days is no setting of the analysis");
    assertTrue(cfg.settings().contains("inactivityDays=180") && cfg.settings().contains("cxlake="), cfg.settings());
    assertFalse(cfg.settings().contains("refitDays"), cfg.settings());
  }
}
