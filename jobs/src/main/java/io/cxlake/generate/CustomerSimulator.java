package io.cxlake.generate;

import io.cxlake.core.Entities;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulates one customer month by month over the window: orders, subscription and
 * renewals, support contacts, surveys with attribute ratings and verbatims, digital
 * sessions and reviews; churn by a monthly hazard from known causes. All truths it plants
 * are constants here and are written to the truth file by {@link Generator}.
 */
final class CustomerSimulator {
  // NPS is built from the attribute ratings with these weights (the key-driver truth).
  static final String[] ATTRIBUTES = {"reliability", "assurance", "tangibles", "empathy", "responsiveness",
      "delivery_speed", "price_value", "ease_of_use"};
  static final double[] NPS_WEIGHTS = {1.0, 0.3, 0.1, 0.5, 0.8, 0.6, 0.7, 0.4};
  static final double NPS_INTERCEPT = 7.0;
  static final double NPS_NOISE_SD = 1.0;
  static final double RATING_CENTER = 3.4;
  // The planted pain point: this attribute is rated lower across the board (a level shift of
  // the rating only; NPS is built from the unshifted level, so the NPS and churn truths are
  // untouched). Unhappy respondents write about their lowest-rated attribute, so its topic
  // (delivery) becomes the clear worst topic of the verbatims.
  static final String PAIN_ATTRIBUTE = "delivery_speed";
  static final double PAIN_RATING_SHIFT = -0.5;
  private static final int PAIN_INDEX = java.util.Arrays.asList(ATTRIBUTES).indexOf(PAIN_ATTRIBUTE);

  // Churn: monthly hazard = base(persona) * exp(sum of these log-hazard ratios * cause).
  static final Map<String, Double> CHURN_CAUSES = new LinkedHashMap<>();

  static {
    CHURN_CAUSES.put("complaints_last_90d", 0.35);
    CHURN_CAUSES.put("detractor_last_180d", 0.80);
    CHURN_CAUSES.put("slow_resolution_last_90d", 0.50);
    CHURN_CAUSES.put("digitally_active_this_month", -0.60);
  }

  static final String DROP_REGION = "LATAM";
  static final double DROP_NPS_EFFECT = -2.5;

  static final String[] REGIONS = {"NA-East", "NA-West", "LATAM", "EMEA-South", "EMEA-North"};
  private static final double[] REGION_SHARE = {0.28, 0.22, 0.20, 0.15, 0.15};
  private static final String[][] REGION_COUNTRIES = {{"US", "CA"}, {"US"}, {"BR", "MX"}, {"ES", "PT"}, {"GB", "DE"}};
  static final double[] REGION_WEIGHT = {0.9, 0.8, 1.4, 1.2, 1.0};
  private static final String[] ACQUISITION = {"organic_search", "paid_search", "social", "referral", "retail_store", "partner"};
  private static final String[] PLANS = {"basic", "plus", "premium"};
  private static final String[] MRR = {"9.99", "19.99", "39.99"};
  private static final String[] FEATURES = {"search", "product_page", "checkout", "wishlist", "order_tracking",
      "support_chat", "account_settings"};
  private static final double[] FEATURE_SUCCESS = {0.95, 0.97, 0.86, 0.97, 0.93, 0.72, 0.9};
  private static final String[] CONTACT_CATEGORIES = {"delivery", "billing", "product", "account", "returns"};
  private static final String[] CONTACT_TOUCHPOINT = {"delivery", "billing", "website", "mobile_app", "store"};
  private static final String[] CONTACT_CHANNELS = {"phone", "email", "chat", "store"};
  private static final String[] REVIEW_SOURCES = {"trustpilot", "app_store", "google", "website"};
  private static final double[] SEASON = {0.85, 0.85, 0.95, 1.0, 1.0, 0.95, 0.9, 0.95, 1.0, 1.05, 1.35, 1.6};
  private static final String[] FIRST = {"maria", "john", "ana", "carlos", "emma", "lucas", "sofia", "james", "lea", "pedro"};
  private static final String[] LAST = {"lopez", "smith", "silva", "garcia", "muller", "brown", "santos", "martin", "jones", "costa"};

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final Sink sink;
  private final TruthLog truth;
  private final LocalDate start;
  private final LocalDate end;
  private final int months;
  private final long startDay;
  private final long endDay;
  private final int dropMonth;
  private long orderSeq;
  private long interactionSeq;
  private long responseSeq;
  private long renewalSeq;
  private long sessionSeq;
  private long eventSeq;
  private long reviewSeq;

  /** Per-record truths too large for _truth.json, written as CSV beside it. */
  interface TruthLog {
    void customer(String customerId, Persona persona, String churnDate);

    void verbatim(String id, String source, String topic, String sentiment, String language, String pii);

    void pii(String type);
  }

  CustomerSimulator(Sink sink, TruthLog truth, LocalDate end, int months) {
    this.sink = sink;
    this.truth = truth;
    this.end = end;
    this.months = months;
    this.start = end.plusDays(1).minusMonths(months);
    this.startDay = start.toEpochDay();
    this.endDay = end.toEpochDay();
    this.dropMonth = months - 5;
  }

  LocalDate start() {
    return start;
  }

  /** The month (yyyy-MM) of the planted NPS drop. */
  String dropMonth() {
    return start.plusMonths(dropMonth).toString().substring(0, 7);
  }

  private static String day(long epochDay) {
    return LocalDate.ofEpochDay(epochDay).toString();
  }

  private static String ts(long epochSecond) {
    return TS.format(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC));
  }

  private static int clamp(double x, int lo, int hi) {
    return (int) Math.max(lo, Math.min(hi, Math.round(x)));
  }

  /** One customer's whole history. */
  void simulate(int index, Rand rnd) {
    String cid = String.format("C%07d", index + 1);
    Persona p = Persona.draw(rnd);
    int region = rnd.weighted(REGION_SHARE);
    String country = rnd.pick(REGION_COUNTRIES[region]);
    String language = switch (country) {
      case "BR", "PT" -> "pt";
      case "MX", "ES" -> "es";
      default -> "en";
    };
    long signupDay;
    if (rnd.chance(0.4)) {
      signupDay = startDay - 1 - rnd.nextInt(1095);
    } else {
      double[] w = new double[months];
      for (int m = 0; m < months; m++) {
        w[m] = SEASON[start.plusMonths(m).getMonthValue() - 1];
      }
      LocalDate ms = start.plusMonths(rnd.weighted(w));
      signupDay = ms.toEpochDay() + rnd.nextInt(ms.lengthOfMonth());
    }
    String first = rnd.pick(FIRST);
    String last = rnd.pick(LAST);
    String email = rnd.chance(0.85) ? first + "." + last + (index + 1) + "@example.com" : null;
    String phone = rnd.chance(0.6) ? "+" + (10 + rnd.nextInt(89)) + " " + (100 + rnd.nextInt(900)) + " "
        + (1000000 + rnd.nextInt(9000000)) : null;
    Integer birthYear = rnd.chance(0.35) ? null
        : (p == Persona.DIGITAL_NATIVE ? 1985 + rnd.nextInt(21) : 1950 + rnd.nextInt(50));
    String acquisition = p == Persona.DIGITAL_NATIVE && rnd.chance(0.5) ? "social" : rnd.pick(ACQUISITION);

    // Subscription decided up front: the customer row carries the plan.
    int plan = -1;
    long subStart = 0;
    if (rnd.chance(p.subscribeProb)) {
      subStart = signupDay + rnd.nextInt(60);
      if (subStart <= endDay) {
        plan = rnd.nextInt(PLANS.length);
      }
    }
    boolean digitalUser = rnd.chance(p.digitalProb);

    sink.emit(Entities.CUSTOMERS, new String[] {cid, day(signupDay), country, REGIONS[region], acquisition,
        plan >= 0 ? PLANS[plan] : null, birthYear == null ? null : String.valueOf(birthYear), email, phone}, "customers",
        signupDay);

    long activeStart = Math.max(signupDay, startDay);
    long churnDay = Long.MAX_VALUE;
    List<Long> complaints = new ArrayList<>();
    List<Long> slowResolutions = new ArrayList<>();
    long lastNpsDay = Long.MIN_VALUE;
    int lastNps = -1;
    String name = Character.toUpperCase(first.charAt(0)) + first.substring(1) + " "
        + Character.toUpperCase(last.charAt(0)) + last.substring(1);
    Context ctx = new Context(cid, p, region, language, email, name);

    for (int m = 0; m < months && churnDay > endDay; m++) {
      LocalDate ms = start.plusMonths(m);
      long monthStart = ms.toEpochDay();
      long monthEnd = monthStart + ms.lengthOfMonth() - 1;
      long lo = Math.max(monthStart, activeStart);
      long hi = Math.min(monthEnd, endDay);
      if (lo > hi) {
        continue;
      }
      double fraction = (hi - lo + 1) / (double) ms.lengthOfMonth();
      double season = SEASON[ms.getMonthValue() - 1];
      int returns = 0;

      int orders = rnd.poisson(p.orderRate * season * fraction);
      for (int i = 0; i < orders; i++) {
        long t = (lo + rnd.nextInt((int) (hi - lo + 1))) * 86400L + rnd.nextInt(86400);
        String status = rnd.chance(p.returnProb) ? "returned" : rnd.chance(0.03) ? "cancelled" : "completed";
        returns += status.equals("returned") ? 1 : 0;
        int cat = rnd.weighted(p.categoryWeights);
        int channel = rnd.weighted(p.channelWeights);
        double amount = Math.min(50_000, rnd.logNormal(p.amountMu, p.amountSigma));
        int quantity = 1 + rnd.poisson(0.4);
        double discount = rnd.chance(p.discountProb) ? amount * rnd.uniform(0.05, 0.3) : 0.0;
        String oid = String.format("O%09d", ++orderSeq);
        sink.emit(Entities.ORDERS, new String[] {oid, "1", cid, ts(t),
            String.format("P%s%03d", Persona.CATEGORIES[cat].substring(0, 2).toUpperCase(), rnd.nextInt(200)),
            Persona.CATEGORIES[cat], String.valueOf(quantity), String.format("%.2f", amount),
            String.format("%.2f", discount), Persona.ORDER_CHANNELS[channel], status},
            "orders_" + ms.toString().substring(0, 7), t / 86400);
        if (rnd.chance(p.surveyProb)) {
          String tp = switch (Persona.ORDER_CHANNELS[channel]) {
            case "web" -> "website";
            case "app" -> "mobile_app";
            case "store" -> "store";
            default -> "call_center";
          };
          int nps = survey(rnd, ctx, t + 3600L * (2 + rnd.nextInt(70)), "transactional", tp, "purchase",
              Persona.ORDER_CHANNELS[channel]);
          lastNpsDay = t / 86400;
          lastNps = nps;
        } else if (status.equals("completed") && rnd.chance(p.surveyProb * 0.6)) {
          int nps = survey(rnd, ctx, t + 86400L * (2 + rnd.nextInt(5)), "transactional", "delivery", "delivery",
              Persona.ORDER_CHANNELS[channel]);
          lastNpsDay = t / 86400;
          lastNps = nps;
        }
        if (status.equals("completed") && rnd.chance(0.02)) {
          review(rnd, ctx, t + 86400L * (3 + rnd.nextInt(20)), Persona.CATEGORIES[cat]);
        }
      }

      int contacts = rnd.poisson(p.contactRate * fraction * (1 + returns));
      for (int i = 0; i < contacts; i++) {
        long t = (lo + rnd.nextInt((int) (hi - lo + 1))) * 86400L + rnd.nextInt(86400);
        boolean complaint = rnd.chance(p.complaintShare);
        int category = rnd.weighted(new double[] {3, 2, 2, 1.5, 1 + returns});
        int channel = rnd.weighted(p == Persona.DIGITAL_NATIVE ? new double[] {1, 2, 4, 0.3} : new double[] {4, 2, 1.5, 1});
        double firstHours = switch (CONTACT_CHANNELS[channel]) {
          case "phone" -> rnd.logNormal(Math.log(0.05), 0.5);
          case "chat" -> rnd.logNormal(Math.log(0.1), 0.6);
          case "email" -> rnd.logNormal(Math.log(6), 0.8);
          default -> 0.0;
        };
        double resolveHours = rnd.logNormal(Math.log(20), 1.0) * (complaint ? 2.0 : 1.0)
            * (CONTACT_CATEGORIES[category].equals("billing") ? 1.8 : 1.0);
        long firstT = t + Math.round(firstHours * 3600);
        long resolvedT = firstT + Math.round(resolveHours * 3600);
        if (complaint) {
          complaints.add(t / 86400);
        }
        if (resolveHours > 72) {
          slowResolutions.add(t / 86400);
        }
        int reopened = rnd.poisson(complaint ? 0.35 : 0.05);
        sink.emit(Entities.INTERACTIONS, new String[] {String.format("I%08d", ++interactionSeq), cid, ts(t),
            firstT / 86400 > endDay ? null : ts(firstT), resolvedT / 86400 > endDay ? null : ts(resolvedT),
            CONTACT_CHANNELS[channel], CONTACT_TOUCHPOINT[category], CONTACT_CATEGORIES[category],
            String.valueOf(complaint), String.valueOf(reopened)}, "interactions", t / 86400);
        if (rnd.chance(0.3) && resolvedT / 86400 <= endDay) {
          int nps = survey(rnd, ctx, resolvedT + 3600L * (1 + rnd.nextInt(48)), "transactional",
              CONTACT_CHANNELS[channel].equals("store") ? "store" : "call_center", "support", CONTACT_CHANNELS[channel]);
          lastNpsDay = t / 86400;
          lastNps = nps;
        }
      }

      if (rnd.chance(0.05)) {
        long t = (lo + rnd.nextInt((int) (hi - lo + 1))) * 86400L + rnd.nextInt(86400);
        int nps = survey(rnd, ctx, t, "relationship", "overall", "ongoing", "email");
        lastNpsDay = t / 86400;
        lastNps = nps;
      }

      int sessions = digitalUser ? rnd.poisson(p.sessionRate * fraction) : 0;
      for (int i = 0; i < sessions; i++) {
        session(rnd, ctx, (lo + rnd.nextInt((int) (hi - lo + 1))) * 86400L + rnd.nextInt(86400));
      }

      // Churn at month end from the known causes.
      if (hi == monthEnd) {
        long c90 = complaints.stream().filter(d -> d > monthEnd - 90).count();
        boolean detractor = lastNps >= 0 && lastNps <= 6 && lastNpsDay > monthEnd - 180;
        boolean slow = slowResolutions.stream().anyMatch(d -> d > monthEnd - 90);
        double logH = CHURN_CAUSES.get("complaints_last_90d") * Math.min(c90, 5)
            + (detractor ? CHURN_CAUSES.get("detractor_last_180d") : 0)
            + (slow ? CHURN_CAUSES.get("slow_resolution_last_90d") : 0)
            + (sessions > 0 ? CHURN_CAUSES.get("digitally_active_this_month") : 0);
        if (rnd.chance(Math.min(0.9, p.baseHazard * Math.exp(logH)))) {
          churnDay = monthEnd + 1 + rnd.nextInt(28);
        }
      }
      if (m == months - 1 && churnDay == Long.MAX_VALUE) {
        break;
      }
    }
    if (churnDay <= endDay) {
      // Activity after the churn date was not simulated (the loop stopped at month end);
      // orders, contacts and surveys of that month all fall before it.
      truth.customer(cid, p, day(churnDay));
    } else {
      truth.customer(cid, p, null);
    }
    if (plan >= 0) {
      subscription(rnd, cid, plan, subStart, churnDay);
    }
  }

  private void subscription(Rand rnd, String cid, int plan, long subStart, long churnDay) {
    String sid = "S" + cid.substring(1);
    Long endDate = null;
    for (int k = 1; ; k++) {
      long due = subStart + 365L * k;
      if (due > endDay) {
        break;
      }
      String rid = String.format("RN%08d", ++renewalSeq);
      if (churnDay <= due) {
        long decided = Math.min(Math.max(churnDay, subStart + 1), endDay);
        endDate = due;
        sink.emit(Entities.RENEWALS, new String[] {rid, sid, cid, day(due), "churned", day(decided)}, "renewals", decided);
        break;
      } else if (due > endDay - 14) {
        sink.emit(Entities.RENEWALS, new String[] {rid, sid, cid, day(due), "pending", null}, "renewals", due);
      } else {
        long decided = due - rnd.nextInt(10);
        sink.emit(Entities.RENEWALS, new String[] {rid, sid, cid, day(due), "renewed", day(decided)}, "renewals",
            decided);
      }
    }
    if (endDate == null && churnDay <= endDay) {
      endDate = churnDay; // cancelled before the first renewal fell due
    }
    sink.emit(Entities.SUBSCRIPTIONS, new String[] {sid, cid, PLANS[plan], day(subStart),
        endDate == null ? null : day(endDate), rnd.chance(0.7) ? "monthly" : "annual", MRR[plan]}, "subscriptions",
        subStart);
  }

  private record Context(String cid, Persona persona, int region, String language, String email, String name) {}

  /** One survey response with ratings and maybe a verbatim; returns its NPS. */
  private int survey(Rand rnd, Context c, long t, String type, String touchpoint, String stage, String channel) {
    if (t / 86400 > endDay) {
      t = endDay * 86400L + 86399;
    }
    double q = c.persona.quality + rnd.normal(0, 0.6);
    double[] latent = new double[ATTRIBUTES.length];
    double npsLatent = NPS_INTERCEPT;
    for (int a = 0; a < ATTRIBUTES.length; a++) {
      double effect = switch (touchpoint + ":" + ATTRIBUTES[a]) {
        case "delivery:delivery_speed" -> -0.5;
        case "call_center:responsiveness" -> -0.3;
        case "mobile_app:ease_of_use" -> 0.3;
        default -> 0.0;
      };
      double shift = a == PAIN_INDEX ? PAIN_RATING_SHIFT : 0.0;
      latent[a] = RATING_CENTER + q + effect + shift + rnd.normal(0, 0.7);
      npsLatent += NPS_WEIGHTS[a] * (latent[a] - shift - RATING_CENTER);
    }
    npsLatent += rnd.normal(0, NPS_NOISE_SD);
    String month = LocalDate.ofEpochDay(t / 86400).toString().substring(0, 7);
    if (REGIONS[c.region].equals(DROP_REGION) && month.equals(dropMonth())) {
      npsLatent += DROP_NPS_EFFECT;
    }
    int nps = clamp(npsLatent, 0, 10);
    Integer csat = rnd.chance(0.9) ? clamp(3 + (npsLatent - NPS_INTERCEPT) / 2.2 + rnd.normal(0, 0.5), 1, 5) : null;
    Integer ces = type.equals("transactional") && rnd.chance(0.7)
        ? clamp(4.8 + 1.2 * (latent[7] - RATING_CENTER) + rnd.normal(0, 0.8), 1, 7) : null;
    boolean cx = rnd.chance(0.8);
    String rid = String.format("SR%08d", ++responseSeq);
    String verbatim = null;
    String lang = null;
    if (rnd.chance(0.55)) {
      String sentiment = Verbatims.sentimentOf(nps);
      int pickA = 0;
      for (int a = 1; a < latent.length; a++) {
        boolean better = sentiment.equals("positive") ? latent[a] > latent[pickA] : latent[a] < latent[pickA];
        pickA = better ? a : pickA;
      }
      String topic = Verbatims.TOPIC_OF_ATTRIBUTE.get(ATTRIBUTES[pickA]);
      verbatim = Verbatims.text(rnd, c.language, topic, sentiment);
      String pii = "";
      if (rnd.chance(0.05)) {
        pii = plantPii(rnd, c);
        verbatim = verbatim + " " + piiText(pii, c, rnd);
      }
      lang = rnd.chance(0.95) ? c.language : null;
      truth.verbatim(rid, "survey_responses", topic, sentiment, c.language, pii);
    }
    sink.emit(Entities.SURVEY_RESPONSES, new String[] {rid, c.cid, type, touchpoint, stage, channel, ts(t),
        String.valueOf(nps), csat == null ? null : String.valueOf(csat), ces == null ? null : String.valueOf(ces),
        cx ? String.valueOf(clamp(3.2 + 0.8 * q + rnd.normal(0, 0.6), 1, 5)) : null,
        cx ? String.valueOf(clamp(latent[7] + rnd.normal(0, 0.4), 1, 5)) : null,
        cx ? String.valueOf(clamp(3 + (npsLatent - NPS_INTERCEPT) / 2.5 + rnd.normal(0, 0.6), 1, 5)) : null,
        verbatim, lang,
        type.equals("relationship") ? String.valueOf(REGION_WEIGHT[c.region]) : null}, "survey_responses", t / 86400);
    if (rnd.chance(0.85)) {
      for (int a = 0; a < ATTRIBUTES.length; a++) {
        if (rnd.chance(0.95)) {
          sink.emit(Entities.SURVEY_RATINGS, new String[] {rid, ATTRIBUTES[a],
              String.valueOf(clamp(latent[a], 1, 5)), "1", "5"}, "survey_ratings", t / 86400);
        }
      }
    }
    return nps;
  }

  private String plantPii(Rand rnd, Context c) {
    String[] types = c.email == null ? new String[] {"phone", "card", "iban", "name"}
        : new String[] {"email", "phone", "card", "iban", "name"};
    String type = rnd.pick(types);
    truth.pii(type);
    return type;
  }

  private static String piiText(String type, Context c, Rand rnd) {
    return switch (type) {
      case "email" -> "Contact me at " + c.email + ".";
      case "phone" -> "Call me on +44 20 7946 " + (1000 + rnd.nextInt(9000)) + ".";
      case "card" -> "My card 4111 1111 1111 " + (1000 + rnd.nextInt(9000)) + " was charged twice.";
      case "iban" -> "Refund to ES91 2100 0418 4502 0005 " + (1000 + rnd.nextInt(9000)) + ".";
      default -> "Regards, " + c.name + ".";
    };
  }

  private void review(Rand rnd, Context c, long t, String category) {
    if (t / 86400 > endDay) {
      return;
    }
    double q = c.persona.quality + rnd.normal(0, 0.6);
    int rating = clamp(3.6 + 1.1 * q + rnd.normal(0, 0.9), 1, 5);
    String topic = Verbatims.TOPICS.get(rnd.weighted(new double[] {3, 2, 1, 3, 1, 1}));
    String sentiment = Verbatims.sentimentOfRating(rating);
    String id = String.format("RV%08d", ++reviewSeq);
    String text = Verbatims.text(rnd, c.language, topic, sentiment);
    truth.verbatim(id, "reviews", topic, sentiment, c.language, "");
    sink.emit(Entities.REVIEWS, new String[] {id, rnd.chance(0.08) ? null : c.cid,
        String.format("P%s%03d", category.substring(0, 2).toUpperCase(), rnd.nextInt(200)),
        rnd.pick(REVIEW_SOURCES), String.valueOf(rating), text, ts(t), c.language}, "reviews", t / 86400);
  }

  private void session(Rand rnd, Context c, long t) {
    String sid = String.format("SS%09d", ++sessionSeq);
    emitEvent(c, sid, t, "app", "session_start", null);
    int uses = 1 + rnd.nextInt(4);
    for (int i = 0; i < uses; i++) {
      t += 5 + rnd.nextInt(120);
      long dur = Math.round(rnd.logNormal(Math.log(40_000), 0.8));
      emitEvent(c, sid, t, FEATURES[rnd.nextInt(FEATURES.length)], "feature_use", dur);
    }
    if (rnd.chance(0.5)) {
      int f = rnd.nextInt(FEATURES.length);
      t += 5 + rnd.nextInt(60);
      emitEvent(c, sid, t, FEATURES[f], "task_start", null);
      long dur = Math.round(rnd.logNormal(Math.log(60_000), 0.6));
      boolean ok = rnd.chance(Math.min(0.99, FEATURE_SUCCESS[f] + 0.04 * c.persona.quality));
      emitEvent(c, sid, t + dur / 1000, FEATURES[f], ok ? "task_success" : "task_fail", dur);
    }
  }

  private void emitEvent(Context c, String sid, long t, String feature, String type, Long durationMs) {
    if (t / 86400 > endDay) {
      return;
    }
    sink.emit(Entities.DIGITAL_EVENTS, new String[] {String.format("E%010d", ++eventSeq), c.cid, sid, ts(t),
        feature, type, durationMs == null ? null : String.valueOf(durationMs)}, "part", t / 86400);
  }
}
