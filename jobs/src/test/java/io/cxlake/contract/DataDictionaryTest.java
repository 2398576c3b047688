package io.cxlake.contract;

import io.cxlake.pipeline.Modules;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/data-dictionary.md is generated from the contracts and must not drift from them. */
class DataDictionaryTest {
  @Test
  void theCommittedDictionaryMatchesTheContracts() throws Exception {
    Path file = TestSpark.repoRoot().resolve("docs/data-dictionary.md");
    String expected = DataDictionary.render("cx_gold", Modules.registry().contracts());
    assertTrue(Files.exists(file), "run bin/cxlake dictionary");
    assertEquals(expected, Files.readString(file), "docs/data-dictionary.md is stale: run bin/cxlake dictionary");
  }

  @Test
  void theArchitectureDocListsTheRegisteredModules() throws Exception {
    String doc = Files.readString(TestSpark.repoRoot().resolve("docs/architecture.md"));
    assertEquals(io.cxlake.platform.ModuleList.replaceIn(doc, Modules.registry()), doc,
        "the module table of docs/architecture.md is stale: run bin/cxlake dictionary");
  }

  @Test
  void theAirflowExampleRunsTheRegisteredStagesInPipelineOrder() throws Exception {
    String doc = Files.readString(TestSpark.repoRoot().resolve("docs/operations.md"));
    String line = doc.lines().filter(l -> l.startsWith("STAGES = [")).findFirst().orElseThrow();
    List<String> expected = Modules.registry().names().stream()
        .filter(n -> !n.equals(io.cxlake.platform.Customer360Enrichment.NAME)).toList();
    assertEquals("STAGES = [" + expected.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", ")) + "]", line,
        "docs/operations.md lists the stages in another order than the registry");
  }

  @Test
  void everyGoldTableHasAGrainADescriptionAndAUniqueName() {
    Set<String> names = new HashSet<>();
    for (TableContract c : Modules.registry().contracts()) {
      assertTrue(names.add(c.name()), "duplicate table " + c.name());
      assertTrue(c.grain().startsWith("one row per"), c.name() + ": grain should read 'one row per ...'");
      assertFalse(c.key().isEmpty(), c.name() + " has no key");
      assertTrue(c.checks().stream().anyMatch(k -> k.kind().equals("unique")), c.name());
    }
  }
}
