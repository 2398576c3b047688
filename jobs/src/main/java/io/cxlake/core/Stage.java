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
   * True when the stage's work is evaluating expressions over every input row many times (an
   * iterative fit in Spark SQL): compiling pays for itself at any but the smallest input, so the
   * stage keeps Spark's code generation whatever its input size ({@link CodegenChoice}).
   */
  default boolean alwaysCompiled() {
    return false;
  }

  /**
   * What says whether a pipeline run may leave the stage out ({@link StageMemo}), or null: the
   * stage always runs.
   */
  default StageMemo memo(JobContext ctx) {
    return null;
  }
}
