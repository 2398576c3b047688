package io.cxlake.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The checks every bring-your-own command shares: options that need --features, and what --features needs. */
class OwnTableOptionsTest {
  private static OwnTableOptions own(String features, String format) {
    OwnTableOptions o = new OwnTableOptions();
    o.features = features;
    o.format = format;
    return o;
  }

  @Test
  void refusesWhatIsMissingOrStray() {
    assertFalse(own(null, null).given(OwnTableOptions.options("--duration", null), OwnTableOptions.options("--id", null)));
    assertEquals("--id, --format only go with --features", assertThrows(IllegalArgumentException.class,
        () -> own(null, "csv").given(OwnTableOptions.options("--duration", null), OwnTableOptions.options("--id", "x")))
        .getMessage());
    assertEquals("--features needs --duration COL and --event COL", assertThrows(IllegalArgumentException.class,
        () -> own("t.csv", null).given(OwnTableOptions.options("--duration", null, "--event", null), OwnTableOptions.options()))
        .getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> own("t", "xlsx")
        .given(OwnTableOptions.options("--label", "y"), OwnTableOptions.options())).getMessage().contains("'xlsx'"));
    assertTrue(own("t.csv", "csv").given(OwnTableOptions.options("--duration", "d", "--event", "e"),
        OwnTableOptions.options("--weight", null)));
  }
}
