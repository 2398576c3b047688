package io.cxlake.core;

/** A pipeline stage: reads tables, transforms, writes tables. Wired by the CLI and pipeline. */
public interface Stage {
  /** Short name used in the run log, the step counter and --only/--from. */
  String name();

  StageResult run(JobContext ctx);
}
