package io.cxlake.contract;

import java.util.List;
import java.util.Set;
import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Data-quality checks added by the operator on top of the table contracts. */
public record QualityConfig(java.util.List<CustomCheck> checks) {

  private static final java.util.regex.Pattern DB_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]*");

  /** The "quality" section of conf/cxlake.yaml. */
  public static final ConfigSection<QualityConfig> SECTION = new ConfigSection<>("quality", QualityConfig.class, QualityConfig::validate);

  static void validate(QualityConfig q, ConfigCheck check) {
    List<QualityConfig.CustomCheck> checks = q.checks() == null ? List.of() : q.checks();
    for (int i = 0; i < checks.size(); i++) {
      QualityConfig.CustomCheck c = checks.get(i);
      String key = "quality.checks[" + i + "]";
      if (c.table() == null || c.table().isBlank()) {
        check.fail(key + ".table", "must name a gold table");
      }
      if (c.name() == null || !DB_NAME.matcher(c.name()).matches()) {
        check.fail(key + ".name", "must match [a-z_][a-z0-9_]*, was '" + c.name() + "'");
      }
      if (c.expression() == null || c.expression().isBlank()) {
        check.fail(key + ".expression", "must be a SQL predicate");
      }
      if (!Set.of("fail", "warn").contains(c.severity())) {
        check.fail(key + ".severity", "must be fail or warn, was '" + c.severity() + "'");
      }
    }
  }

  /** A check from config: every written row of {@code table} must satisfy {@code expression}. */
  public record CustomCheck(String table, String name, String expression, String severity) {}
}
