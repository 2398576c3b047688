package io.cxlake.cli;

import io.cxlake.platform.StageRegistry;
import io.cxlake.pipeline.Modules;
import io.cxlake.core.ConfigException;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobRunner;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The cxlake command line: the same main class under bin/cxlake and spark-submit.
 * Exit codes: 0 success, 2 bad usage or configuration, 1 (or another non-zero) failure with
 * a one-line cause.
 */
@Command(name = "cxlake", mixinStandardHelpOptions = true, version = "cxlake 0.1.0",
    description = "Customer-experience analytics on Spark and Delta Lake.",
    // The stage commands (ingest, curate, metrics, ...) come from the registered modules (ModuleCommand).
    subcommands = {GenerateCommand.class, ChurnCommand.class, SurvivalCommand.class, ReportCommand.class, RunCommand.class, MaintainCommand.class,
        HistoryCommand.class, RestoreCommand.class,
        DictionaryCommand.class,
        DemoCommand.class, SqlCommand.class, TablesCommand.class, QuarantineCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "PATH",
      description = "Configuration file, a local path or a Hadoop URI such as hdfs://nn:8020/cxlake/cxlake.yaml "
          + "(default: conf/cxlake.yaml when present, else packaged defaults).")
  String config;

  @Option(names = "--landing", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Root of a landing folder in the canonical layout, a local path or a Hadoop URI such as "
          + "s3a://bucket/landing (overrides landing_root of the sources file).")
  String landing;

  @Option(names = "--warehouse", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Warehouse location, a local path or a Hadoop URI (overrides runtime.warehouse).")
  String warehouse;

  @Option(names = "--as-of", scope = ScopeType.INHERIT, paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "As-of date (default: the latest date in the data).")
  LocalDate asOf;

  @Option(names = "--conf", scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
      description = "Spark setting, applied last; repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--full-refresh", scope = ScopeType.INHERIT,
      description = "Rebuild derived tables from all input instead of only new batches.")
  boolean fullRefresh;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (see --help)");
  }

  /** Parses YYYY-MM-DD with a clear message. */
  static final class DateConverter implements CommandLine.ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a date YYYY-MM-DD");
      }
    }
  }

  /** Runs the command line and returns the exit code (tests call this; main exits with it). */
  public static int execute(String... args) {
    CommandLine cli = commandLine(Modules.registry());
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (ex instanceof CxlakeException ce) {
        err.println("cxlake: " + (ce instanceof ConfigException ? "configuration error: " : "error: ") + ce.getMessage());
        return ce.exitCode();
      }
      if (ex instanceof IllegalArgumentException) {
        err.println("cxlake: error: " + ex.getMessage());
        return 2;
      }
      err.println("cxlake: error: " + JobRunner.oneLine(ex));
      return 1;
    });
    return cli.execute(args);
  }

  /** The command line with a command for every stage of {@code registry}. */
  static CommandLine commandLine(StageRegistry registry) {
    CommandLine cli = new CommandLine(new Main());
    ModuleCommand.addAll(cli, registry);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Validates the configuration without starting Spark (used by commands that need no session). */
  ConfigLoader.Loaded loadConfig() {
    return Modules.configLoader().load(config);
  }
}
