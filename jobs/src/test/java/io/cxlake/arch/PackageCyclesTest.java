package io.cxlake.arch;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The packages of jobs/src/main form no cycle (a plain scan of imports and qualified names). */
class PackageCyclesTest {
  private static final Pattern REF = Pattern.compile("io\\.cxlake\\.([a-z]+)\\.[A-Z]");

  static Map<String, Set<String>> dependencies() throws IOException {
    Path root = TestSpark.repoRoot().resolve("jobs/src/main/java/io/cxlake");
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = root.relativize(f.getParent()).toString();
        Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REF.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            out.add(m.group(1));
          }
        }
      }
    }
    return deps;
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    assertTrue(deps.size() > 10, deps.toString());
    List<String> cycles = new ArrayList<>();
    for (String start : deps.keySet()) {
      // Depth-first from each package: reaching it again is a cycle.
      List<List<String>> stack = new ArrayList<>(List.of(List.of(start)));
      Set<String> seen = new TreeSet<>();
      while (!stack.isEmpty()) {
        List<String> path = stack.remove(stack.size() - 1);
        for (String next : deps.getOrDefault(path.get(path.size() - 1), Set.of())) {
          if (next.equals(start)) {
            List<String> cycle = new ArrayList<>(path);
            cycle.add(start);
            cycles.add(String.join(" -> ", cycle));
          } else if (seen.add(next)) {
            List<String> longer = new ArrayList<>(path);
            longer.add(next);
            stack.add(longer);
          }
        }
      }
    }
    assertEquals(List.of(), cycles, "package dependencies: " + deps);
  }

  @Test
  void theSharedPackagesDependOnNoStage() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    assertEquals(Set.of(), deps.get("core"));
    assertEquals(Set.of("core"), deps.get("contract"));
    assertEquals(Set.of("contract", "core"), deps.get("platform"));
  }
}
