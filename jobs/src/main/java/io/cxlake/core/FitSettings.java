package io.cxlake.core;

import java.lang.reflect.RecordComponent;
import java.util.Set;

/**
 * What a scheduled analysis depends on, recorded beside it so that a later run can tell whether
 * the result still stands: every setting of its configuration section but those that only
 * schedule it (refit_days), and the cxlake version.
 */
public final class FitSettings {
  private FitSettings() {}

  /** "name=value name=value … cxlake=version" over the record's components, in declaration order. */
  public static String of(Record section, String... scheduleOnly) {
    Set<String> skipped = Set.of(scheduleOnly);
    StringBuilder sb = new StringBuilder();
    for (RecordComponent c : section.getClass().getRecordComponents()) {
      if (!skipped.contains(c.getName())) {
        try {
          sb.append(c.getName()).append('=').append(c.getAccessor().invoke(section)).append(' ');
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return sb.append("cxlake=").append(CxlakeVersion.current()).toString();
  }
}
