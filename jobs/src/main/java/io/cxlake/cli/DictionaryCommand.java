package io.cxlake.cli;

import io.cxlake.pipeline.Modules;
import io.cxlake.contract.DataDictionary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Writes docs/data-dictionary.md from the table contracts (no Spark needed). */
@Command(name = "dictionary", mixinStandardHelpOptions = true,
    description = "Generate the data dictionary of the gold tables from their contracts.")
class DictionaryCommand implements Callable<Integer> {
  @ParentCommand
  Main global;

  @Option(names = "--output", paramLabel = "FILE", defaultValue = "docs/data-dictionary.md",
      description = "Output file (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws Exception {
    String goldDb = global.loadConfig().config().catalog().goldDb();
    if (output.getParent() != null) {
      Files.createDirectories(output.getParent());
    }
    Files.writeString(output, DataDictionary.render(goldDb, Modules.registry().contracts()), StandardCharsets.UTF_8);
    System.out.println("wrote " + output + " (" + Modules.registry().contracts().size() + " tables)");
    return 0;
  }
}
