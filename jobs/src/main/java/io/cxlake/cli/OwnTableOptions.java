package io.cxlake.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** --features and --format of a command that also runs on a table of one's own, checked the same way everywhere. */
class OwnTableOptions {
  @Option(names = "--features", paramLabel = "PATH_OR_TABLE",
      description = "Your own customer-level table: a CSV/Parquet/Delta path (local or a Hadoop URI) or a table name.")
  String features;

  @Option(names = "--format", paramLabel = "csv|parquet|delta",
      description = "Format of --features (default: from the file name; a name without a path is a table).")
  String format;

  /** name, value, name, value, ... as an ordered map (values may be null: not given). */
  static Map<String, String> options(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  /**
   * Whether a table of one's own is given. The options that go with it (name to value) are
   * refused without it; the needed ones must be given with it.
   */
  boolean given(Map<String, String> needed, Map<String, String> optional) {
    Map<String, String> all = new LinkedHashMap<>(needed);
    all.putAll(optional);
    all.put("--format", format);
    if (features == null) {
      List<String> stray = all.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
      if (!stray.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", stray) + " only go with --features");
      }
      return false;
    }
    List<String> missing = new ArrayList<>();
    needed.forEach((name, value) -> {
      if (value == null) {
        missing.add(name + " COL");
      }
    });
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("--features needs " + String.join(" and ", missing));
    }
    if (format != null && !List.of("csv", "parquet", "delta").contains(format)) {
      throw new IllegalArgumentException("--format must be csv, parquet or delta, was '" + format + "'");
    }
    return true;
  }
}
