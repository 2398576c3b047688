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

  @Test
  void theNextDayBatchHoldsTheLastDayAndWithTheRestEveryRowOfOneFolder(@TempDir Path whole, @TempDir Path rest,
      @TempDir Path next) throws IOException {
    Generator.Summary w = gen(whole, 5, 0.02);
    Generator.Summary r = Generator.generate(new Generator.Params(0.003, 5, rest, 0.02, END, 24, next));
    // the same rows in all: the text files of the two folders hold exactly the lines of the one
    for (String entity : List.of("customers", "subscriptions", "renewals", "orders", "interactions",
        "survey_responses", "survey_ratings", "reviews")) {
      assertEquals(w.rowCounts().get(entity).get("total"), r.rowCounts().get(entity).get("total"), entity);
      assertEquals(sortedRows(whole.resolve(entity)),
          sortedRows(rest.resolve(entity), next.resolve(entity)), entity);
    }
    assertEquals(0L, w.rowCounts().get("orders").get("next_day"));
    // a day's worth: orders, responses and events of the last day, in files named apart
    for (String entity : List.of("orders", "survey_responses", "digital_events")) {
      long held = r.rowCounts().get(entity).get("next_day");
      assertTrue(held > 0 && held < r.rowCounts().get(entity).get("total") / 20, entity + ": " + held);
    }
    assertTrue(Files.exists(next.resolve("orders/orders_2026-10-next-day.csv")));
    assertTrue(Files.exists(next.resolve("digital_events/part-next-day-00000.parquet")));
    // the rest ends the day before: no order of the last day is left in it, every held order is of that day
    List<String> restOrders = sortedRows(rest.resolve("orders"));
    List<String> heldOrders = sortedRows(next.resolve("orders"));
    assertTrue(restOrders.stream().noneMatch(l -> l.contains(",2026-10-31 ")));
    long ofTheDay = heldOrders.stream().filter(l -> l.contains(",2026-10-31 ")).count();
    long dirtyHeld = heldOrders.size() - ofTheDay;
    assertTrue(dirtyHeld <= heldOrders.size() / 5, "held orders not of the last day: " + dirtyHeld);
    JsonNode truth = new ObjectMapper().readTree(rest.resolve("_truth.json").toFile());
    assertEquals("2026-10-31", truth.at("/generator/next_day/date").asText());
  }

  /** The rows of the CSV and JSON-lines files under the folders (headers left out), sorted. */
  private static List<String> sortedRows(Path... dirs) throws IOException {
    List<String> rows = new java.util.ArrayList<>();
    for (Path dir : dirs) {
      for (Path f : Files.isDirectory(dir) ? files(dir) : List.<Path>of()) {
        List<String> lines = Files.readAllLines(dir.resolve(f));
        rows.addAll(f.toString().endsWith(".csv") ? lines.subList(1, lines.size()) : lines);
      }
    }
    rows.sort(null);
    return rows;
  }
}
