package io.cxlake.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage did.
 *
 * @param rowsIn   rows read
 * @param rowsOut  rows written
 * @param counts   named counts for the summary (e.g. quarantined, files_rejected)
 * @param problems problems that make the job fail after it wrote its results (exit 1)
 */
public record StageResult(long rowsIn, long rowsOut, Map<String, Long> counts, List<String> problems) {

  public StageResult {
    counts = new LinkedHashMap<>(counts);
    problems = List.copyOf(problems);
  }

  public boolean failed() {
    return !problems.isEmpty();
  }
}
