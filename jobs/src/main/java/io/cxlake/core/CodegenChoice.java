package io.cxlake.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Whether a stage runs on code Spark generates and compiles, or interpreted. Spark compiles
 * generated Java (Janino) for each new query plan: tens to hundreds of milliseconds each, paid
 * again for every distinct plan, so on small inputs compiling costs more than the compiled code
 * saves. A stage whose input tables hold less than {@code runtime.codegen_min_input_mb} on disk
 * therefore runs with whole-stage code generation off and expressions interpreted; results are
 * the same either way. A stage that declares no input tables (ingest reads landing files) keeps
 * code generation, since its input size is not known here. A stage whose work per input byte is
 * high declares a lower threshold of its own ({@link Stage#compiledFromMb()}): clv 0, since it
 * evaluates its likelihood over every row at each optimiser step (interpreted, minutes at scale
 * 1); survival a few MB, since it expands each customer into monthly episodes.
 *
 * <p>The same input size turns adaptive query execution off below
 * {@code runtime.adaptive_min_input_mb}: AQE runs each shuffle of a query as a Spark job of its
 * own and plans the query again after each, which on small inputs costs more than its
 * coalescing and join choices save (the demo's stages launched 2,386 jobs with it and 1,475
 * without). The shuffle partitions are few and set by the configuration either way.
 */
public final class CodegenChoice {
  private CodegenChoice() {}

  /** The session settings that turn code generation off, with their "off" values (the test session uses them too). */
  public static final Map<String, String> INTERPRETED = Map.of(
      "spark.sql.codegen.wholeStage", "false",
      // Internal to Spark but honoured outside tests: evaluate expressions instead of compiling
      // projections, predicates and orderings (CodeGeneratorWithInterpretedFallback).
      "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  /** The settings a stage changed, with the values to put back afterwards (none: it compiles). */
  public record Choice(Map<String, String> previous) {
    /** Restores the settings the session had before the stage. */
    void restore(SparkSession spark) {
      previous.forEach((k, v) -> {
        if (v == null) {
          spark.conf().unset(k);
        } else {
          spark.conf().set(k, v);
        }
      });
    }
  }

  /** The setting that turns adaptive query execution off, with its "off" value. */
  public static final Map<String, String> NOT_ADAPTIVE = Map.of("spark.sql.adaptive.enabled", "false");

  /** Chooses for {@code stage}, applies the choice to the session (saying so) and returns it. */
  static Choice apply(JobContext ctx, Stage stage) {
    int codegenMb = codegenMinInputMb(ctx.config().runtime().codegenMinInputMb(), stage.compiledFromMb());
    int adaptiveMb = ctx.config().runtime().adaptiveMinInputMb();
    long bytes = codegenMb == 0 && adaptiveMb == 0 ? -1 : inputBytes(ctx, stage.reads());
    Map<String, String> settings = new LinkedHashMap<>();
    List<String> said = new ArrayList<>();
    if (below(bytes, codegenMb)) {
      settings.putAll(INTERPRETED);
      said.add("Spark code generation off (below " + (codegenMb == ctx.config().runtime().codegenMinInputMb()
          ? "runtime.codegen_min_input_mb, " : "the stage's own threshold, ") + codegenMb + ")");
    }
    if (below(bytes, adaptiveMb)) {
      settings.putAll(NOT_ADAPTIVE);
      said.add("adaptive query execution off (below runtime.adaptive_min_input_mb, " + adaptiveMb + ")");
    }
    if (settings.isEmpty()) {
      return new Choice(Map.of());
    }
    SparkSession spark = ctx.spark();
    Map<String, String> previous = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      previous.put(k, spark.conf().getOption(k).getOrElse(() -> null));
      spark.conf().set(k, v);
    });
    Progress.info("{}: inputs {} MB on disk: {} for this stage", stage.name(), String.format("%.1f", bytes / 1e6),
        String.join(", ", said));
    return new Choice(previous);
  }

  /**
   * The threshold for a stage: the setting, or the stage's own when smaller (0, "never
   * interpreted", stays 0).
   */
  static int codegenMinInputMb(int configured, Integer stageMb) {
    return configured == 0 || stageMb == null ? configured : Math.min(configured, stageMb);
  }

  /** Below the threshold: the input size is known ({@code bytes} ≥ 0) and under it (0: never). */
  static boolean below(long bytes, int thresholdMb) {
    return thresholdMb > 0 && bytes >= 0 && bytes < thresholdMb * 1_000_000L;
  }

  /**
   * Bytes on disk under the locations of {@code tables} (data, log and files of older versions
   * not yet vacuumed: an upper bound, which errs towards compiling); tables that do not exist
   * count 0. -1 when nothing is declared or a location cannot be read. One metastore call and
   * one file-system summary per table, no Spark job.
   */
  static long inputBytes(JobContext ctx, List<TableRef> tables) {
    if (tables.isEmpty()) {
      return -1;
    }
    long total = 0;
    for (TableRef t : tables) {
      long bytes;
      try {
        java.net.URI location = TableVersions.location(ctx.spark(), ctx.catalog().name(t));
        bytes = location == null ? 0 : HadoopFiles.bytesUnder(location.toString());
      } catch (IllegalStateException e) { // dropped meanwhile: size unknown
        bytes = -1;
      }
      if (bytes < 0) {
        return -1;
      }
      total += bytes;
    }
    return total;
  }
}
