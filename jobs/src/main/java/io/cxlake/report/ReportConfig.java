package io.cxlake.report;

import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** The HTML report of a run (docs/report.md). */
public record ReportConfig(
    /* Folder (a Hadoop URI or a local path) under which each as-of date's report is written as <dir>/<as-of>/; null = <warehouse>/report. */
    String dir,
    /* Customers in the list of the most valuable customers at risk. */
    Integer topCustomers) {

  /** The "report" section of conf/cxlake.yaml. */
  public static final ConfigSection<ReportConfig> SECTION = new ConfigSection<>("report", ReportConfig.class, ReportConfig::validate);

  static void validate(ReportConfig c, ConfigCheck check) {
    if (c.dir() != null && c.dir().isBlank()) {
      check.fail("report.dir", "must be a folder, e.g. s3a://bucket/cx-report, or be left out");
    }
    check.positive(c.topCustomers(), "report.top_customers");
  }
}
