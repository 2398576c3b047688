package io.cxlake.maintain;

import io.cxlake.core.ConfigCheck;
import io.cxlake.core.ConfigSection;

/** Table maintenance (cxlake maintain): OPTIMIZE with Z-order, then VACUUM. */
public record MaintenanceConfig(
    /* Databases maintained, by layer: bronze | silver | gold | ops. */
    java.util.List<String> layers,
    /* Z-ORDER gold tables by the columns their contracts name (BI filters). */
    Boolean zorder,
    /* VACUUM keeps files a table version of the last this many hours still needs (time travel, slow readers). */
    Integer vacuumRetentionHours,
    /* Below Delta's 168-hour safety floor only when this is true (readers of older versions fail). */
    Boolean allowShortRetention) {

  /** The "maintenance" section of conf/cxlake.yaml. */
  public static final ConfigSection<MaintenanceConfig> SECTION = new ConfigSection<>("maintenance", MaintenanceConfig.class, MaintenanceConfig::validate);

  static void validate(MaintenanceConfig c, ConfigCheck check) {
    if (c.layers() == null || c.layers().isEmpty() || !LAYERS.containsAll(c.layers())) {
      check.fail("maintenance.layers", "must list some of " + LAYERS + ", was " + c.layers());
    }
    if (c.zorder() == null) {
      check.fail("maintenance.zorder", "must be true or false");
    }
    Integer h = c.vacuumRetentionHours();
    if (h == null || h < 0) {
      check.fail("maintenance.vacuum_retention_hours", "must be 0 or more, was " + h);
    }
    if (h < 168 && !Boolean.TRUE.equals(c.allowShortRetention())) {
      check.fail("maintenance.vacuum_retention_hours", "is " + h + ", below Delta's 168-hour safety floor: "
          + "restores and readers of older versions would fail; set maintenance.allow_short_retention: true to allow it");
    }
  }

  /** Layers whose databases `maintain` works on. */
  public static final java.util.List<String> LAYERS = java.util.List.of("bronze", "silver", "gold", "ops");
}
