package io.cxlake.drivers;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Key drivers are analysed at most every drivers.refit_days (the rule itself: AsOfStandingTest):
 * the stage asks it of key_driver with its settings, which hold every drivers key but
 * refit_days, so other bootstrap or slices analyse and a longer refit_days does not.
 */
class DriversRefitTest {
  private static final String PREFIX = "driversrefit";
  private static final LocalDate ANALYSED = LocalDate.of(2026, 6, 30);

  private static LocalDate standing(LocalDate asOf, String yaml) {
    JobContext ctx = io.cxlake.platform.AsOfStandingTest.context(PREFIX, asOf, yaml, false);
    return DriversStage.standingAnalysis(ctx, ctx.config().get(DriversConfig.SECTION), asOf);
  }

  @Test
  void anAnalysisStandsForTheRunsWithinRefitDaysWithTheSameDriverSettings() {
    TestSpark.dropDatabases(PREFIX);
    JobContext ctx = io.cxlake.platform.AsOfStandingTest.context(PREFIX, ANALYSED, "", false);
    DriversConfig cfg = ctx.config().get(DriversConfig.SECTION);
    assertEquals(7, cfg.refitDays(), "the packaged default");
    String table = ctx.catalog().gold(DriverContracts.KEY_DRIVER.name());
    ctx.spark().sql("CREATE DATABASE IF NOT EXISTS " + PREFIX + "_gold");
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT DATE'" + ANALYSED + "' AS as_of_date, 'nps' AS outcome, '"
        + cfg.settings() + "' AS settings");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(6), ""));
    assertNull(standing(ANALYSED.plusDays(7), ""), "a refit period on");
    assertNull(standing(ANALYSED.plusDays(1), "drivers: {bootstrap: 50}"), "other settings");
    assertNull(standing(ANALYSED.plusDays(1), "drivers: {slices: [region]}"), "other slices");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(20), "drivers: {refit_days: 30}"),
        "refit_days is no setting of the analysis");
    assertTrue(cfg.settings().contains("bootstrap=200") && cfg.settings().contains("cxlake="), cfg.settings());
    assertFalse(cfg.settings().contains("refitDays"), cfg.settings());
  }
}
