package io.cxlake.drivers;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Key drivers are analysed at most every drivers.refit_days: the analysis of a day stands for
 * the runs less than refit_days after it with the same settings; a run a refit period on, before
 * the analysis (it saw later responses), with other settings, on --full-refresh or with
 * refit_days 0 analyses; so does one whose key_driver predates the settings column.
 */
class DriversRefitTest {
  private static final String PREFIX = "driversrefit";
  private static final LocalDate ANALYSED = LocalDate.of(2026, 6, 30);

  private static JobContext context(LocalDate asOf, String yaml, boolean fullRefresh) {
    return JobContext.create(TestSpark.session(), TestSpark.config(PREFIX,
        TestSpark.repoRoot().resolve("conf/sources.yaml").toString(), yaml), asOf, null, fullRefresh);
  }

  private static LocalDate standing(LocalDate asOf, String yaml, boolean fullRefresh) {
    JobContext ctx = context(asOf, yaml, fullRefresh);
    return DriversStage.standingAnalysis(ctx, ctx.config().get(DriversConfig.SECTION), asOf);
  }

  @Test
  void anAnalysisStandsForTheRunsWithinRefitDays() {
    TestSpark.dropDatabases(PREFIX);
    JobContext ctx = context(ANALYSED, "", false);
    DriversConfig cfg = ctx.config().get(DriversConfig.SECTION);
    assertEquals(7, cfg.refitDays(), "the packaged default");
    assertNull(standing(ANALYSED, "", false), "no key_driver yet");
    String table = ctx.catalog().gold(DriverContracts.KEY_DRIVER.name());
    ctx.spark().sql("CREATE DATABASE IF NOT EXISTS " + PREFIX + "_gold");
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT DATE'" + ANALYSED + "' AS as_of_date, 'nps' AS outcome");
    assertNull(standing(ANALYSED.plusDays(1), "", false), "a key_driver of an older cxlake: no settings recorded");

    ctx.spark().sql("DROP TABLE " + table);
    ctx.spark().sql("CREATE TABLE " + table + " USING delta AS SELECT DATE'" + ANALYSED + "' AS as_of_date, 'nps' AS outcome, '"
        + cfg.settings() + "' AS settings");
    assertEquals(ANALYSED, standing(ANALYSED, "", false), "a rerun of the day");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(6), "", false));
    assertNull(standing(ANALYSED.plusDays(7), "", false), "a refit period on");
    assertNull(standing(ANALYSED.minusDays(1), "", false), "before the analysis");
    assertNull(standing(ANALYSED.plusDays(1), "", true), "--full-refresh");
    assertNull(standing(ANALYSED.plusDays(1), "drivers: {refit_days: 0}", false));
    assertNull(standing(ANALYSED.plusDays(1), "drivers: {bootstrap: 50}", false), "other settings");
    assertNull(standing(ANALYSED.plusDays(1), "drivers: {slices: [region]}", false), "other slices");
    assertEquals(ANALYSED, standing(ANALYSED.plusDays(20), "drivers: {refit_days: 30}", false),
        "refit_days is no setting of the analysis");
    assertTrue(cfg.settings().contains("bootstrap=200") && cfg.settings().contains("cxlake="), cfg.settings());
    assertFalse(cfg.settings().contains("refitDays"), cfg.settings());
  }
}
