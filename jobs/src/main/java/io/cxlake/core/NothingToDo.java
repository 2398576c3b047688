package io.cxlake.core;

/**
 * Thrown by a stage that finds, once it has read its inputs, nothing it can use (e.g. survey
 * responses without a single comment): the stage is reported skipped with the message, like a
 * stage whose required table is empty, and the stages that need its output are skipped too.
 */
public class NothingToDo extends RuntimeException {
  public NothingToDo(String reason) {
    super(reason);
  }
}
