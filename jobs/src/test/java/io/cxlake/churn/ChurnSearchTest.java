package io.cxlake.churn;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The churn search is sized to the training rows: the whole grid, or one candidate per family. */
class ChurnSearchTest {
  @Test
  void belowSmallDataRowsEachFamilyHasOneCandidate() {
    ChurnConfig cfg = TestSpark.section(ChurnConfig.SECTION,
        "churn: {reg_params: [0.1, 0.001, 0.01, 1.0, 0.5], gbt_depths: [5, 3, 4], small_data_rows: 10000}");
    assertSame(cfg, cfg.searchFor(10_000), "at the threshold the configured grid is searched");
    assertEquals(5 + 3, ChurnModels.grid(cfg.searchFor(15_217)).size());
    ChurnConfig small = cfg.searchFor(9_999);
    assertEquals(List.of(0.1), small.regParams(), "the middle strength of the sorted list");
    assertEquals(List.of(3), small.gbtDepths(), "the shallowest trees");
    assertEquals(2, ChurnModels.grid(small).size());
    assertEquals(cfg.gbtIterations(), small.gbtIterations());
    ChurnConfig always = TestSpark.section(ChurnConfig.SECTION, "churn: {small_data_rows: 0}");
    assertSame(always, always.searchFor(0), "0 always searches the grid");
    io.cxlake.core.ConfigException e = assertThrows(io.cxlake.core.ConfigException.class,
        () -> TestSpark.section(ChurnConfig.SECTION, "churn: {small_data_rows: -1}"));
    assertTrue(e.getMessage().contains("churn.small_data_rows"), e.getMessage());
  }
}
