package io.cxlake.core;

import java.util.List;

/**
 * A pipeline stage: reads tables, transforms, writes tables. Stages of the pipeline are built
 * from their declarations (the platform package's StageModule), which supply the tables below; the
 * runner skips a stage whose required input is missing or empty, and stops the stages that
 * read what a failed stage writes.
 */
public interface Stage {
  /** Short name used in the run log, the step counter and --only/--from. */
  String name();

  StageResult run(JobContext ctx);

  /** Tables the stage cannot do without: one missing or empty, and the stage is skipped. */
  default List<TableRef> requires() {
    return List.of();
  }

  /** Tables of which the stage needs at least one with rows (e.g. survey comments or reviews); none, and it is skipped. */
  default List<TableRef> requiresAny() {
    return List.of();
  }

  /** Every table the stage reads, required or optional. */
  default List<TableRef> reads() {
    return requires();
  }

  /** The tables the stage writes. */
  default List<TableRef> writes() {
    return List.of();
  }

  /**
   * The input size (MB on disk) from which the stage compiles when that is below
   * {@code runtime.codegen_min_input_mb}, or null for the setting alone: a stage whose work per
   * input byte is high (an iterative fit in Spark SQL: 0, always) pays for compiling on smaller
   * inputs than others ({@link CodegenChoice}).
   */
  default Integer compiledFromMb() {
    return null;
  }

  /**
   * What says whether a pipeline run may leave the stage out ({@link StageMemo}), or null: the
   * stage always runs.
   */
  default StageMemo memo(JobContext ctx) {
    return null;
  }
}
