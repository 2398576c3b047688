package io.cxlake.core;

import static io.cxlake.core.ColumnSpec.of;
import static io.cxlake.core.ColumnType.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The landing data contract of SPEC §5. Listed in dependency order: an entity only
 * references entities listed before it, which is the order curate processes them in.
 */
public final class Entities {
  private Entities() {}

  public static final EntitySpec CUSTOMERS = new EntitySpec("customers", "dim_customer",
      List.of("customer_id"),
      List.of(
          of("customer_id", STRING, true, "Customer identifier from the source system"),
          of("signup_date", DATE, true, "Date the customer signed up").past(),
          of("country", STRING, true, "ISO 3166-1 alpha-2 country code"),
          of("region", STRING, true, "Sales region"),
          of("acquisition_channel", STRING, true, "Channel that acquired the customer"),
          of("plan", STRING, false, "Current subscription plan, if any"),
          of("birth_year", INT, false, "Year of birth").range(1900, 2025),
          of("email", STRING, false, "E-mail address (PII: silver only)").personal(),
          of("phone", STRING, false, "Phone number (PII: silver only)").personal()),
      "Customers, one row per customer (PII kept in silver only)");

  public static final EntitySpec SUBSCRIPTIONS = new EntitySpec("subscriptions", "subscriptions",
      List.of("subscription_id"),
      List.of(
          of("subscription_id", STRING, true, "Subscription identifier"),
          of("customer_id", STRING, true, "Subscriber").references("customers"),
          of("plan", STRING, true, "Plan name"),
          of("start_date", DATE, true, "First day of the subscription").past(),
          of("end_date", DATE, false, "Last day, null while active"),
          of("billing_period", STRING, true, "Billing period").oneOf("monthly", "annual"),
          of("mrr", DECIMAL, true, "Monthly recurring revenue").min(0)),
      "Subscriptions, one row per subscription");

  public static final EntitySpec RENEWALS = new EntitySpec("renewals", "renewals",
      List.of("renewal_id"),
      List.of(
          of("renewal_id", STRING, true, "Renewal identifier"),
          of("subscription_id", STRING, true, "Subscription up for renewal").references("subscriptions"),
          of("customer_id", STRING, true, "Subscriber").references("customers"),
          of("due_date", DATE, true, "Date the renewal was due"),
          of("outcome", STRING, true, "Outcome of the renewal").oneOf("renewed", "churned", "pending"),
          of("decided_date", DATE, false, "Date the outcome was decided, null while pending").past()),
      "Subscription renewals, one row per renewal due");

  public static final EntitySpec ORDERS = new EntitySpec("orders", "orders",
      List.of("order_id", "line_id"),
      List.of(
          of("order_id", STRING, true, "Order (or credit note) identifier"),
          of("line_id", STRING, true, "Line of the order: the source's line number, a deterministic line key "
              + "when the source has lines without one (grain: line), else 1"),
          of("customer_id", STRING, false, "Ordering customer; null for a guest order").references("customers"),
          of("order_ts", TIMESTAMP, true, "Order time (UTC)"),
          of("product_id", STRING, true, "Product identifier"),
          of("category", STRING, true, "Product category"),
          of("quantity", INT, true, "Units ordered").range(1, 1_000_000),
          of("amount", DECIMAL, true, "Order amount before discount").range(0, 1_000_000),
          of("discount", DECIMAL, true, "Discount granted").range(0, 1_000_000),
          of("channel", STRING, true, "Sales channel"),
          of("status", STRING, true, "Order status; credit = a credit note or return line, subtracted from revenue")
              .oneOf("completed", "returned", "cancelled", "credit")),
      "Order lines, one row per order line (one line per order when the source is at order grain)");

  public static final EntitySpec INTERACTIONS = new EntitySpec("interactions", "interactions",
      List.of("interaction_id"),
      List.of(
          of("interaction_id", STRING, true, "Support contact identifier"),
          of("customer_id", STRING, true, "Customer who made contact").references("customers"),
          of("opened_ts", TIMESTAMP, true, "Time the contact was opened (UTC)"),
          of("first_response_ts", TIMESTAMP, false, "Time of the first response (UTC)"),
          of("resolved_ts", TIMESTAMP, false, "Time the contact was resolved (UTC)"),
          of("channel", STRING, true, "Contact channel"),
          of("touchpoint", STRING, true, "Touchpoint the contact is about"),
          of("category", STRING, true, "Contact reason"),
          of("is_complaint", BOOLEAN, true, "Whether the contact is a complaint"),
          of("reopened", INT, true, "Times the contact was reopened").range(0, 1000)),
      "Support interactions, one row per contact");

  public static final EntitySpec SURVEY_RESPONSES = new EntitySpec("survey_responses", "survey_responses",
      List.of("response_id"),
      List.of(
          of("response_id", STRING, true, "Survey response identifier"),
          of("customer_id", STRING, true, "Respondent").references("customers"),
          of("survey_type", STRING, true, "Survey type").oneOf("relationship", "transactional"),
          of("touchpoint", STRING, true, "Touchpoint surveyed"),
          of("journey_stage", STRING, true, "Journey stage surveyed"),
          of("channel", STRING, true, "Channel of the experience"),
          of("responded_ts", TIMESTAMP, true, "Response time (UTC)"),
          of("nps", INT, false, "Likelihood to recommend, 0-10").range(0, 10),
          of("csat", INT, false, "Satisfaction, 1-5").range(1, 5),
          of("ces", INT, false, "Customer effort, 1-7 (7 = very easy)").range(1, 7),
          of("cx_needs_met", INT, false, "Needs met, 1-5").range(1, 5),
          of("cx_ease", INT, false, "Ease, 1-5").range(1, 5),
          of("cx_emotion", INT, false, "Emotion, 1-5").range(1, 5),
          of("verbatim", STRING, false, "Free-text comment (may contain PII until redacted)").personal(),
          of("language", STRING, false, "ISO 639-1 language of the verbatim"),
          of("weight", DOUBLE, false, "Respondent weight (default 1)").min(0)),
      "Survey responses, one row per response");

  public static final EntitySpec SURVEY_RATINGS = new EntitySpec("survey_ratings", "survey_ratings",
      List.of("response_id", "attribute"),
      List.of(
          of("response_id", STRING, true, "Survey response").references("survey_responses"),
          of("attribute", STRING, true, "Rated attribute"),
          of("score", INT, false, "Rating on the attribute's scale (1-5 unless scale_min/scale_max say otherwise); "
              + "null: not answered or not applicable").range(1, 5).boundedBy("scale_min", "scale_max"),
          of("scale_min", INT, false, "Lowest rating of the attribute's scale (default 1; sources.yaml scales)"),
          of("scale_max", INT, false, "Highest rating of the attribute's scale (default 5; sources.yaml scales)")),
      "Attribute ratings, one row per response and attribute");

  public static final EntitySpec DIGITAL_EVENTS = new EntitySpec("digital_events", "digital_events",
      List.of("event_id"),
      List.of(
          of("event_id", STRING, true, "Event identifier"),
          of("customer_id", STRING, true, "Signed-in customer").references("customers"),
          of("session_id", STRING, true, "Session identifier"),
          of("event_ts", TIMESTAMP, true, "Event time (UTC)"),
          of("feature", STRING, true, "Product feature used"),
          of("event_type", STRING, true, "Event type")
              .oneOf("session_start", "feature_use", "task_start", "task_success", "task_fail"),
          of("duration_ms", LONG, false, "Duration in milliseconds").range(0, 86_400_000)),
      "Digital product events, one row per event");

  public static final EntitySpec REVIEWS = new EntitySpec("reviews", "reviews",
      List.of("review_id"),
      List.of(
          of("review_id", STRING, true, "Review identifier"),
          of("customer_id", STRING, false, "Reviewer, when known").references("customers"),
          of("product_id", STRING, true, "Reviewed product"),
          of("source", STRING, true, "Review site or channel"),
          of("rating", INT, true, "Star rating, 1-5").range(1, 5),
          of("text", STRING, false, "Review text (may contain PII until redacted)").personal(),
          of("review_ts", TIMESTAMP, true, "Review time (UTC)"),
          of("language", STRING, false, "ISO 639-1 language of the text")),
      "Product reviews, one row per review");

  /** All entities in dependency order. */
  public static final List<EntitySpec> ALL = List.of(
      CUSTOMERS, SUBSCRIPTIONS, RENEWALS, ORDERS, INTERACTIONS,
      SURVEY_RESPONSES, SURVEY_RATINGS, DIGITAL_EVENTS, REVIEWS);

  private static final Map<String, EntitySpec> BY_NAME = new LinkedHashMap<>();

  static {
    for (EntitySpec e : ALL) {
      BY_NAME.put(e.name(), e);
    }
  }

  public static EntitySpec byName(String name) {
    EntitySpec spec = BY_NAME.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("unknown entity '" + name + "' (known: " + BY_NAME.keySet() + ")");
    }
    return spec;
  }

  public static boolean exists(String name) {
    return BY_NAME.containsKey(name);
  }

  /**
   * {@link #ALL} in waves: the first holds the entities that reference none, each later one
   * those whose references are all in earlier waves. The entities of one wave can be curated
   * side by side.
   */
  public static List<List<EntitySpec>> waves() {
    Map<String, Integer> depth = new LinkedHashMap<>();
    List<List<EntitySpec>> waves = new java.util.ArrayList<>();
    for (EntitySpec e : ALL) {
      int d = e.foreignKeys().stream().mapToInt(fk -> depth.get(fk.references()) + 1).max().orElse(0);
      depth.put(e.name(), d);
      while (waves.size() <= d) {
        waves.add(new java.util.ArrayList<>());
      }
      waves.get(d).add(e);
    }
    return waves.stream().map(List::copyOf).toList();
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
