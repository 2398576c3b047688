package io.cxlake.cli;

import io.cxlake.platform.ModuleList;
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
    description = "Generate the data dictionary of the gold tables from their contracts, and the module table of "
        + "docs/architecture.md from the stage registry.")
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
    // The module table of docs/architecture.md, next to the dictionary.
    Path architecture = (output.getParent() == null ? Path.of(".") : output.getParent()).resolve("architecture.md");
    if (Files.exists(architecture)) {
      Files.writeString(architecture, ModuleList.replaceIn(Files.readString(architecture), Modules.registry()),
          StandardCharsets.UTF_8);
      System.out.println("wrote the module table of " + architecture);
    }
    return 0;
  }
}
