package io.cxlake.generate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latent customer personas: the behaviour each one plants in the data (the truth that
 * clustering should recover). Rates are per active month.
 */
enum Persona {
  //                share  orders amountMu sigma disc  return contact compl quality subP  digP  sess  hazard survey
  LOYAL_HIGH_VALUE(0.18, 1.60, 4.70, 0.50, 0.10, 0.03, 0.09, 0.15, 0.70, 0.60, 0.75, 0.59, 0.006, 0.096,
      new double[] {3, 2, 2, 1, 1, 1}, new double[] {4, 3, 2, 1}),
  BARGAIN_HUNTER(0.22, 1.30, 3.55, 0.40, 0.70, 0.05, 0.13, 0.30, 0.00, 0.30, 0.60, 0.42, 0.022, 0.060,
      new double[] {1, 2, 3, 2, 1, 4}, new double[] {4, 3, 1, 0.5}),
  OCCASIONAL(0.25, 0.30, 4.10, 0.65, 0.15, 0.04, 0.07, 0.30, 0.10, 0.20, 0.40, 0.15, 0.030, 0.048,
      new double[] {1, 3, 1, 1, 3, 1}, new double[] {2, 1, 3, 1}),
  UNHAPPY_AT_RISK(0.15, 0.70, 4.30, 0.55, 0.15, 0.10, 0.36, 0.70, -0.95, 0.40, 0.50, 0.25, 0.045, 0.120,
      new double[] {2, 2, 1, 1, 1, 1}, new double[] {2, 1, 2, 3}),
  DIGITAL_NATIVE(0.20, 0.90, 4.05, 0.45, 0.20, 0.04, 0.07, 0.25, 0.35, 0.55, 0.97, 1.34, 0.012, 0.072,
      new double[] {3, 1, 2, 2, 2, 1}, new double[] {2, 6, 0.5, 0.2});

  static final String[] CATEGORIES = {"electronics", "home", "fashion", "beauty", "sports", "grocery"};
  static final String[] ORDER_CHANNELS = {"web", "app", "store", "phone"};

  final double share;
  final double orderRate;
  final double amountMu;
  final double amountSigma;
  final double discountProb;
  final double returnProb;
  final double contactRate;
  final double complaintShare;
  final double quality;
  final double subscribeProb;
  final double digitalProb;
  final double sessionRate;
  final double baseHazard;
  final double surveyProb;
  final double[] categoryWeights;
  final double[] channelWeights;

  Persona(double share, double orderRate, double amountMu, double amountSigma, double discountProb,
      double returnProb, double contactRate, double complaintShare, double quality, double subscribeProb,
      double digitalProb, double sessionRate, double baseHazard, double surveyProb,
      double[] categoryWeights, double[] channelWeights) {
    this.share = share;
    this.orderRate = orderRate;
    this.amountMu = amountMu;
    this.amountSigma = amountSigma;
    this.discountProb = discountProb;
    this.returnProb = returnProb;
    this.contactRate = contactRate;
    this.complaintShare = complaintShare;
    this.quality = quality;
    this.subscribeProb = subscribeProb;
    this.digitalProb = digitalProb;
    this.sessionRate = sessionRate;
    this.baseHazard = baseHazard;
    this.surveyProb = surveyProb;
    this.categoryWeights = categoryWeights;
    this.channelWeights = channelWeights;
  }

  String id() {
    return name().toLowerCase();
  }

  static Persona draw(Rand rnd) {
    Persona[] all = values();
    double[] w = new double[all.length];
    for (int i = 0; i < all.length; i++) {
      w[i] = all[i].share;
    }
    return all[rnd.weighted(w)];
  }

  /** Parameters as written to the truth file. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("share", share);
    m.put("orders_per_month", orderRate);
    m.put("median_order_amount", Math.round(Math.exp(amountMu) * 100) / 100.0);
    m.put("amount_log_sd", amountSigma);
    m.put("discount_probability", discountProb);
    m.put("return_probability", returnProb);
    m.put("contacts_per_month", contactRate);
    m.put("complaint_share", complaintShare);
    m.put("experience_quality_shift", quality);
    m.put("subscribe_probability", subscribeProb);
    m.put("digital_user_probability", digitalProb);
    m.put("sessions_per_month", sessionRate);
    m.put("base_monthly_churn_hazard", baseHazard);
    m.put("survey_probability_per_order", surveyProb);
    return m;
  }
}
