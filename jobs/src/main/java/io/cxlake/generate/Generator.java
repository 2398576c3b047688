package io.cxlake.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cxlake.core.Entities;
import io.cxlake.core.EntitySpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes synthetic landing data for all nine entities in the canonical layout
 * ({@code out/<entity>/...}: CSV, JSON lines and Parquet) plus {@code _truth.json} with every
 * planted truth. The same seed, scale, end date and dirty rate give the same bytes.
 *
 * <p>With a next-day folder, the rows dated on the end date are written there instead, in the
 * same layout under file names of their own: a build of {@code out} covers the history up to the
 * day before, and copying the next-day files into {@code out} lands the last day as a daily batch
 * of the same history would (what {@code bench --incremental-day} times). Together the two hold
 * exactly the rows one folder would.
 */
public final class Generator {
  /** Formats per entity: a realistic mix. */
  static final Map<String, String> FORMATS = new LinkedHashMap<>();

  static {
    FORMATS.put("customers", "csv");
    FORMATS.put("subscriptions", "csv");
    FORMATS.put("renewals", "json");
    FORMATS.put("orders", "csv");
    FORMATS.put("interactions", "json");
    FORMATS.put("survey_responses", "json");
    FORMATS.put("survey_ratings", "csv");
    FORMATS.put("digital_events", "parquet");
    FORMATS.put("reviews", "json");
  }

  /** Customers at scale 1. */
  public static final int CUSTOMERS_AT_SCALE_1 = 100_000;

  /**
   * Generation parameters.
   *
   * @param nextDay folder for the rows of {@code endDate}, or null to write them to {@code out}
   */
  public record Params(double scale, long seed, Path out, double dirtyRate, LocalDate endDate, int months,
      Path nextDay) {
    public Params(double scale, long seed, Path out, double dirtyRate, LocalDate endDate, int months) {
      this(scale, seed, out, dirtyRate, endDate, months, null);
    }
  }

  /** What was written. */
  public record Summary(Path out, int customers, Map<String, Map<String, Long>> rowCounts,
      Map<String, Map<String, Long>> dirtyCounts) {}

  private Generator() {}

  public static Summary generate(Params params) {
    if (params.scale() <= 0 || params.scale() > 100) {
      throw new IllegalArgumentException("--scale must be in (0, 100], was " + params.scale());
    }
    if (params.dirtyRate() < 0 || params.dirtyRate() > 0.5) {
      throw new IllegalArgumentException("--dirty-rate must be in [0, 0.5], was " + params.dirtyRate());
    }
    Path out = params.out();
    clean(out);
    if (params.nextDay() != null) {
      clean(params.nextDay());
    }
    int customers = Math.max(10, (int) Math.round(CUSTOMERS_AT_SCALE_1 * params.scale()));
    Rand master = new Rand(new SplittableRandom(params.seed()));
    Rand dirtyRnd = master.split();
    Map<String, Long> personaCounts = new TreeMap<>();
    Map<String, Long> piiCounts = new TreeMap<>();
    Map<String, Long> topicCounts = new TreeMap<>();
    long[] churned = {0};
    Path truthDir = out.resolve("_truth");
    try (Sink sink = new Sink(out, params.nextDay(), params.endDate().toEpochDay(), params.dirtyRate(), dirtyRnd);
        BufferedWriter personas = RecordWriter.open(truthDir.resolve("personas.csv"));
        BufferedWriter verbatims = RecordWriter.open(truthDir.resolve("verbatims.csv"))) {
      for (EntitySpec e : Entities.ALL) {
        sink.register(e, FORMATS.get(e.name()));
      }
      personas.write("customer_id,persona,churn_date\n");
      verbatims.write("id,source,topic,sentiment,language,pii\n");
      CustomerSimulator.TruthLog log = new CustomerSimulator.TruthLog() {
        @Override
        public void customer(String customerId, Persona persona, String churnDate) {
          personaCounts.merge(persona.id(), 1L, Long::sum);
          churned[0] += churnDate == null ? 0 : 1;
          line(personas, customerId + "," + persona.id() + "," + (churnDate == null ? "" : churnDate));
        }

        @Override
        public void verbatim(String id, String source, String topic, String sentiment, String language, String pii) {
          topicCounts.merge(topic, 1L, Long::sum);
          line(verbatims, id + "," + source + "," + topic + "," + sentiment + "," + language + "," + pii);
        }

        @Override
        public void pii(String type) {
          piiCounts.merge(type, 1L, Long::sum);
        }
      };
      CustomerSimulator sim = new CustomerSimulator(sink, log, params.endDate(), params.months());
      for (int i = 0; i < customers; i++) {
        sim.simulate(i, master.split());
      }
      sink.close();
      Map<String, Object> truth = truth(params, sim, customers, sink, personaCounts, churned[0], topicCounts, piiCounts);
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      json.writeValue(out.resolve("_truth.json").toFile(), truth);
      return new Summary(out, customers, sink.rowCounts(), sink.dirtyCounts());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> truth(Params params, CustomerSimulator sim, int customers, Sink sink,
      Map<String, Long> personaCounts, long churned, Map<String, Long> topicCounts, Map<String, Long> piiCounts) {
    Map<String, Object> t = new LinkedHashMap<>();
    Map<String, Object> gen = new LinkedHashMap<>();
    gen.put("seed", params.seed());
    gen.put("scale", params.scale());
    gen.put("customers", customers);
    gen.put("start_date", sim.start().toString());
    gen.put("end_date", params.endDate().toString());
    gen.put("months", params.months());
    gen.put("dirty_rate", params.dirtyRate());
    gen.put("formats", sink.formats());
    if (params.nextDay() != null) {
      gen.put("next_day", Map.of("date", params.endDate().toString(), "folder", params.nextDay().toString(),
          "note", "rows dated on end_date are in this folder (row_counts.*.next_day), not in the output folder"));
    }
    t.put("generator", gen);
    t.put("row_counts", sink.rowCounts());
    Map<String, Object> dirty = new LinkedHashMap<>();
    dirty.put("note", "Extra rows planted after clean rows, one defect each. exact_duplicate rows are counted"
        + " and dropped by curate (not quarantined); every other reason is a quarantine reason code.");
    dirty.put("by_entity", sink.dirtyCounts());
    t.put("dirty_rows", dirty);

    Map<String, Object> personas = new LinkedHashMap<>();
    Map<String, Object> defs = new LinkedHashMap<>();
    for (Persona p : Persona.values()) {
      defs.put(p.id(), p.describe());
    }
    personas.put("definitions", defs);
    personas.put("counts", personaCounts);
    personas.put("per_customer_file", "_truth/personas.csv");
    t.put("personas", personas);

    Map<String, Object> churn = new LinkedHashMap<>();
    churn.put("model", "monthly hazard = base_monthly_churn_hazard(persona) * exp(sum(log_hazard_ratio * cause)),"
        + " drawn at each month end; a churned customer stops all activity and cancels a subscription"
        + " (its next renewal is decided as churned)");
    churn.put("log_hazard_ratios", CustomerSimulator.CHURN_CAUSES);
    churn.put("cause_definitions", Map.of(
        "complaints_last_90d", "complaints opened in the 90 days up to month end (capped at 5)",
        "detractor_last_180d", "1 if the latest NPS answer within 180 days was 0-6",
        "slow_resolution_last_90d", "1 if a contact opened in the last 90 days took more than 72 hours to resolve",
        "digitally_active_this_month", "1 if the customer had a digital session in the month"));
    churn.put("churned_customers", churned);
    t.put("churn", churn);

    Map<String, Object> drivers = new LinkedHashMap<>();
    drivers.put("model", "nps = clamp(round(intercept + sum(weight * (latent_rating - 3.4)) + N(0, noise_sd)), 0, 10);"
        + " the reported 1-5 rating is the rounded latent rating");
    drivers.put("intercept", CustomerSimulator.NPS_INTERCEPT);
    drivers.put("noise_sd", CustomerSimulator.NPS_NOISE_SD);
    Map<String, Double> w = new LinkedHashMap<>();
    for (int a = 0; a < CustomerSimulator.ATTRIBUTES.length; a++) {
      w.put(CustomerSimulator.ATTRIBUTES[a], CustomerSimulator.NPS_WEIGHTS[a]);
    }
    drivers.put("weights", w);
    drivers.put("strongest_driver", "reliability");
    drivers.put("weakest_driver", "tangibles");
    t.put("nps_drivers", drivers);

    Map<String, Object> voice = new LinkedHashMap<>();
    voice.put("topics", Verbatims.TOPICS);
    voice.put("topic_rule", "a detractor or passive writes about the topic of the lowest-rated attribute,"
        + " a promoter about the highest-rated one; attribute to topic: " + new TreeMap<>(Verbatims.TOPIC_OF_ATTRIBUTE));
    voice.put("sentiment_rule", "survey: nps 9-10 positive, 7-8 neutral, 0-6 negative; reviews: rating 4-5"
        + " positive, 3 neutral, 1-2 negative");
    voice.put("languages", List.of("en", "es", "pt"));
    voice.put("verbatims_by_topic", topicCounts);
    voice.put("worst_topic", Verbatims.TOPIC_OF_ATTRIBUTE.get(CustomerSimulator.PAIN_ATTRIBUTE));
    voice.put("worst_topic_rule", CustomerSimulator.PAIN_ATTRIBUTE + " is rated " + CustomerSimulator.PAIN_RATING_SHIFT
        + " lower everywhere (NPS is built from the unshifted level), so unhappy respondents name its topic most");
    voice.put("pii_planted", piiCounts);
    voice.put("per_text_file", "_truth/verbatims.csv");
    t.put("voice", voice);

    Map<String, Object> drop = new LinkedHashMap<>();
    drop.put("metric", "nps");
    drop.put("slice_column", "region");
    drop.put("slice_value", CustomerSimulator.DROP_REGION);
    drop.put("month", sim.dropMonth());
    drop.put("effect_on_nps_latent", CustomerSimulator.DROP_NPS_EFFECT);
    t.put("kpi_drop", drop);
    return t;
  }

  private static void line(BufferedWriter w, String s) {
    try {
      w.write(s);
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes earlier generated entity folders and truth so a re-run leaves exactly its own files. */
  private static void clean(Path out) {
    try {
      Files.createDirectories(out);
      for (String name : Stream.concat(Entities.names().stream(), Stream.of("_truth")).toList()) {
        Path dir = out.resolve(name);
        if (Files.exists(dir)) {
          try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
      }
      Files.deleteIfExists(out.resolve("_truth.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
