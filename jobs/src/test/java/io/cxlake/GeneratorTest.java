package io.cxlake;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxlake.generate.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  private static final LocalDate END = LocalDate.of(2026, 10, 31);

  private static Generator.Summary gen(Path out, long seed, double dirty) {
    return Generator.generate(new Generator.Params(0.003, seed, out, dirty, END, 24));
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  @Test
  void sameSeedGivesSameBytes(@TempDir Path a, @TempDir Path b) throws IOException {
    gen(a, 5, 0.02);
    gen(b, 5, 0.02);
    List<Path> fa = files(a);
    assertEquals(fa, files(b));
    assertTrue(fa.size() >= 9 + 3, "entity files and truth files: " + fa);
    for (Path f : fa) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), "differs: " + f);
    }
  }

  @Test
  void otherSeedGivesOtherData(@TempDir Path a, @TempDir Path b) throws IOException {
    gen(a, 5, 0.02);
    gen(b, 6, 0.02);
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("customers/customers.csv")),
        Files.readAllBytes(b.resolve("customers/customers.csv"))));
  }

  @Test
  void truthCountsMatchTheRowsWritten(@TempDir Path out) throws IOException {
    Generator.Summary s = gen(out, 9, 0.05);
    JsonNode truth = new ObjectMapper().readTree(out.resolve("_truth.json").toFile());
    for (String entity : List.of("customers", "subscriptions", "orders", "survey_ratings")) {
      long lines = 0;
      for (Path f : files(out.resolve(entity))) {
        lines += Files.readAllLines(out.resolve(entity).resolve(f)).size() - 1; // minus header
      }
      assertEquals(truth.at("/row_counts/" + entity + "/total").asLong(), lines, entity);
    }
    for (String entity : List.of("renewals", "interactions", "survey_responses", "reviews")) {
      long lines = Files.readAllLines(out.resolve(entity).resolve(entity + ".jsonl")).size();
      assertEquals(truth.at("/row_counts/" + entity + "/total").asLong(), lines, entity);
    }
    // Dirty rows per reason add up to the dirty total of each entity.
    for (Map.Entry<String, Map<String, Long>> e : s.dirtyCounts().entrySet()) {
      long sum = e.getValue().values().stream().mapToLong(Long::longValue).sum();
      assertEquals(s.rowCounts().get(e.getKey()).get("dirty"), sum, e.getKey());
    }
    assertEquals("LATAM", truth.at("/kpi_drop/slice_value").asText());
    assertEquals("2026-06", truth.at("/kpi_drop/month").asText());
    assertEquals(1.0, truth.at("/nps_drivers/weights/reliability").asDouble());
    assertTrue(truth.at("/personas/counts").size() == 5);
  }

  @Test
  void zeroDirtyRateGivesCleanDataWithTheSameCleanRows(@TempDir Path clean, @TempDir Path dirty) throws IOException {
    Generator.Summary c = gen(clean, 5, 0.0);
    Generator.Summary d = gen(dirty, 5, 0.05);
    c.rowCounts().forEach((entity, m) -> assertEquals(0L, m.get("dirty"), entity));
    assertEquals(c.rowCounts().get("orders").get("clean"), d.rowCounts().get("orders").get("clean"));
    // Every clean line is still there, in order, when dirty rows are planted between them.
    List<String> cleanLines = Files.readAllLines(clean.resolve("customers/customers.csv"));
    List<String> dirtyLines = Files.readAllLines(dirty.resolve("customers/customers.csv"));
    assertTrue(dirtyLines.containsAll(cleanLines));
  }
}
