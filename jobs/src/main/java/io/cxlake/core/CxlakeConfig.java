package io.cxlake.core;

import java.util.Map;

/**
 * The typed configuration (conf/cxlake.yaml merged over the packaged defaults). Keys are
 * snake_case in YAML. Every section is validated by {@link ConfigLoader} at start-up.
 */
public record CxlakeConfig(
    Runtime runtime,
    Catalog catalog,
    String sources,
    Ingest ingest,
    Curate curate,
    Metrics metrics,
    Alerts alerts,
    Quality quality,
    Segmentation segmentation,
    Churn churn,
    Drivers drivers,
    Journey journey,
    Voice voice,
    Maintenance maintenance,
    Generate generate) {

  /** This configuration with another churn section (tests, notebooks). */
  public CxlakeConfig withChurn(Churn c) {
    return new CxlakeConfig(runtime, catalog, sources, ingest, curate, metrics, alerts, quality, segmentation, c, drivers,
        journey, voice, maintenance, generate);
  }

  /** This configuration with other databases and sources file (tests). */
  public CxlakeConfig withCatalog(Catalog c, String sourcesFile) {
    return new CxlakeConfig(runtime, c, sourcesFile, ingest, curate, metrics, alerts, quality, segmentation, churn, drivers,
        journey, voice, maintenance, generate);
  }

  /** This configuration with other operator quality checks. */
  public CxlakeConfig withQuality(Quality q) {
    return new CxlakeConfig(runtime, catalog, sources, ingest, curate, metrics, alerts, q, segmentation, churn, drivers,
        journey, voice, maintenance, generate);
  }

  /** This configuration with another alerts section. */
  public CxlakeConfig withAlerts(Alerts a) {
    return new CxlakeConfig(runtime, catalog, sources, ingest, curate, metrics, a, quality, segmentation, churn, drivers,
        journey, voice, maintenance, generate);
  }

  /** This configuration with another voice section (tests, notebooks). */
  public CxlakeConfig withVoice(Voice v) {
    return new CxlakeConfig(runtime, catalog, sources, ingest, curate, metrics, alerts, quality, segmentation, churn, drivers,
        journey, v, maintenance, generate);
  }

  /** This configuration with another drivers section (tests, notebooks). */
  public CxlakeConfig withDrivers(Drivers d) {
    return new CxlakeConfig(runtime, catalog, sources, ingest, curate, metrics, alerts, quality, segmentation, churn, d,
        journey, voice, maintenance, generate);
  }

  /** This configuration with another maintenance section (tests). */
  public CxlakeConfig withMaintenance(Maintenance m) {
    return new CxlakeConfig(runtime, catalog, sources, ingest, curate, metrics, alerts, quality, segmentation, churn, drivers,
        journey, voice, m, generate);
  }

  /** Where and how Spark runs. */
  public record Runtime(
      String appName,
      /* Spark master when not launched by spark-submit, e.g. local[*]. */
      String master,
      /* Warehouse root: a local folder or any Hadoop path (hdfs://, s3a://, abfss://). */
      String warehouse,
      /* embedded-derby: a Derby metastore inside the warehouse; external: from Spark conf / hive-site.xml. */
      String metastore,
      /* spark.sql.shuffle.partitions. */
      Integer shufflePartitions,
      /* Spark's console progress bar. */
      Boolean consoleProgress,
      /* Extra Spark settings, applied last but before --conf. */
      Map<String, String> sparkConf) {}

  /** Database names of the four layers (prefix them to run several environments in one metastore). */
  public record Catalog(String bronzeDb, String silverDb, String goldDb, String opsDb) {}

  /** Ingest (landing to bronze). */
  public record Ingest(
      /* fail: the job exits non-zero after ingesting the other entities; warn: only report. */
      String onBadFile) {}

  /** Curate (bronze to silver). */
  public record Curate(
      /* A timestamp later than now + this many hours is quarantined as future_ts. */
      Integer futureToleranceHours) {}

  /** Gold KPI marts (dimensions, facts, KPI tables, customer_360). */
  public record Metrics(
      /* Period grains of the KPI tables: month and/or week (ISO weeks, starting Monday). */
      java.util.List<String> periodTypes,
      /* Slices besides "all"; see docs/metrics.md for the columns each one means. */
      java.util.List<String> slices,
      /* Effective responses below this flag a KPI row as low-confidence (never hidden). */
      Integer minResponses,
      /* inactivity: no completed order for churn_inactivity_days | subscription: churned renewals. */
      String churnBasis,
      /* Days without a completed order after which a customer counts as churned (inactivity basis). */
      Integer churnInactivityDays,
      /* A completed order in the same category within this many days of an earlier one is a category repurchase. */
      Integer repurchaseWindowDays,
      /* Window of customer_360's frequency and monetary features, in days before the as-of date. */
      Integer lookbackDays,
      /* Salt of the pseudonymous customer_key (sha-256 of salt|customer_id); change it per installation. */
      String pseudonymSalt,
      /* Lifecycle stage rules of dim_customer and customer_360. */
      Lifecycle lifecycle) {}

  /** Lifecycle stage rules, evaluated in order: new, churned, at_risk, loyal, else developing. */
  public record Lifecycle(
      /* Tenure below this many days: new. */
      Integer newDays,
      /* No completed order for this many days (or a detractor score as the latest NPS): at_risk. */
      Integer atRiskDays,
      /* Tenure of at least this many days ... */
      Integer loyalMinTenureDays,
      /* ... and at least this many completed orders in the lookback window: loyal. */
      Integer loyalMinOrders) {
    /** Every stage the rules can assign (contracts accept these; value weights need each). */
    public static final java.util.List<String> STAGES = java.util.List.of("new", "developing", "loyal", "at_risk", "churned");
  }

  /** KPI alerts (SPEC §8.8). */
  public record Alerts(
      /* Period grain the alerts compare: month or week. */
      String periodType,
      /* Trailing periods pooled into the baseline. */
      Integer baselinePeriods,
      /* A slice-period with fewer (effective) responses or cases than this raises no change alert. */
      Integer minResponses,
      /* Significance level of the change tests (two-sided; only adverse changes alert). */
      Double alpha,
      /* Smallest adverse change worth an alert, per KPI, in the KPI's units. */
      java.util.Map<String, Double> minChange,
      /* Fixed limits per KPI: min and/or max. */
      java.util.Map<String, Threshold> thresholds,
      /* The printed summary covers this many latest periods. */
      Integer recentPeriods,
      /* The detractor follow-up list covers responses of the last this many days. */
      Integer followupDays) {}

  /** A fixed limit on a KPI. */
  public record Threshold(Double min, Double max) {}

  /** Data-quality checks added by the operator on top of the table contracts. */
  public record Quality(java.util.List<CustomCheck> checks) {}

  /** A check from config: every written row of {@code table} must satisfy {@code expression}. */
  public record CustomCheck(String table, String name, String expression, String severity) {}

  /** Segmentation (SPEC §8.1–§8.3): RFM, the ABC value model and clustering. */
  public record Segmentation(Rfm rfm, Value value, Cluster cluster) {}

  /** RFM scores and the named segment map. */
  public record Rfm(
      /* Orders in the last this many days before the as-of date count. */
      Integer lookbackDays,
      /* Segment of customers without a completed order in the window (they get no scores). */
      String noOrdersSegment,
      /* Named segments, first match wins; r, f, m are inclusive score ranges [lo, hi], omitted = any. */
      java.util.List<RfmRule> segments) {}

  /** One rule of the RFM segment map. */
  public record RfmRule(String name, java.util.List<Integer> r, java.util.List<Integer> f, java.util.List<Integer> m) {}

  /** The attitude–behaviour–consumption value model and the Pareto classes. */
  public record Value(
      /* customer_360 columns behind the attitude factor (X-data). */
      java.util.List<String> attitude,
      /* customer_360 columns behind the behaviour factor (activity and loyalty). */
      java.util.List<String> behaviour,
      /* customer_360 columns behind the consumption factor. */
      java.util.List<String> consumption,
      /* Weights of attitude, behaviour and consumption per lifecycle stage; each sums to 1. */
      java.util.Map<String, StageWeights> weights,
      /* Value tiers, highest first: a score at or above min gets the tier. */
      java.util.List<Tier> tiers,
      /* Class A: customers making the top this % of revenue (percent). */
      Double paretoA,
      /* Class B: the customers making the next revenue up to this cumulative %; the rest are C. */
      Double paretoB) {}

  /** Factor weights of one lifecycle stage. */
  public record StageWeights(Double attitude, Double behaviour, Double consumption) {}

  /** A value tier: value_score at or above {@code min}. */
  public record Tier(String name, Double min) {}

  /** Clustering of customers on a configured feature set. */
  public record Cluster(
      /* kmeans | bisecting_kmeans | gaussian_mixture. */
      String algorithm,
      /* auto: chosen by silhouette over k_range; or a fixed number of clusters. */
      String k,
      /* Smallest and largest k tried by the silhouette selection. */
      java.util.List<Integer> kRange,
      /* Customers sampled for the k selection (all when fewer). */
      Integer sampleSize,
      /* Behaviour of the last this many days describes a customer. */
      Integer windowDays,
      /* Customers with fewer completed orders in the window are not clustered (too little history). */
      Integer minOrders,
      /* Pseudo-observations at the population rate added to every share feature (additive smoothing). */
      Double sharePrior,
      /* Seed of the sample and the final model. */
      Integer seed,
      /* Second seed: the adjusted Rand index between the two fits is recorded as stability. */
      Integer stabilitySeed,
      /* Iterations of the clustering algorithm. */
      Integer maxIter,
      /* Each fit keeps the best of this many initialisations (lowest within-cluster sum of squares). */
      Integer restarts,
      /* A profile feature with |z| at least this names the cluster's label. */
      Double labelMinZ,
      /* Features and their transform before standard scaling: log (ln(1+x)) or none. */
      java.util.List<ClusterFeature> features) {}

  /** Clustering algorithms (segmentation.cluster.algorithm). */
  public static final java.util.List<String> CLUSTER_ALGORITHMS = java.util.List.of("kmeans", "bisecting_kmeans",
      "gaussian_mixture");

  /** One clustering feature. */
  public record ClusterFeature(String name, String transform) {}

  /** Churn prediction (SPEC §8.4); docs/churn.md. */
  public record Churn(
      /* inactivity: no completed order within horizon_days after the cutoff | subscription: a churned renewal or a cancellation. */
      String label,
      /* Days after the cutoff the label looks ahead. */
      Integer horizonDays,
      /* Inactivity label: a customer with a completed order in the last this many days before the cutoff is active (the others have churned already). */
      Integer activeDays,
      /* Monthly cutoffs the models train on, before the validation cutoff. */
      Integer trainingCutoffs,
      /* Candidate models: logistic_regression and/or gbt; the best PR-AUC on validation wins. */
      java.util.List<String> models,
      /* Regularisation strengths tried for logistic regression. */
      java.util.List<Double> regParams,
      /* Elastic-net mix of logistic regression: 0 = ridge (L2), 1 = lasso (L1). */
      Double elasticNet,
      /* Tree depths tried for the gradient-boosted trees. */
      java.util.List<Integer> gbtDepths,
      /* Boosting iterations (trees). */
      Integer gbtIterations,
      /* Tuning fits use at most this many training rows (a sample): candidates compare fairly at a fraction of the cost. */
      Integer tuningSample,
      /* balanced: churners and stayers weigh the same in training | none. */
      String classWeights,
      /* Risk bands on the calibrated probability, highest first: a probability at or above min gets the band. */
      java.util.List<Tier> riskBands,
      /* Features of the native mode (docs/churn.md#features lists them all). */
      java.util.List<String> features,
      /* Bring-your-own-features mode: share of rows (per class) held out for evaluation. */
      Double holdoutFraction,
      /* Seed of splits and models. */
      Integer seed) {
    /** Candidate model names (churn.models). */
    public static final java.util.List<String> MODELS = java.util.List.of("logistic_regression", "gbt");
  }

  /** Key-driver analysis (SPEC §8.5); docs/drivers.md. */
  public record Drivers(
      /* Rated attributes used as drivers; empty = every attribute found in fact_survey_rating. */
      java.util.List<String> attributes,
      /* Outcomes to explain (nps, csat, ces, repurchase, renewal). */
      java.util.List<Outcome> outcomes,
      /* Slices analysed besides "all": region, channel, touchpoint, journey_stage, survey_type, segment. */
      java.util.List<String> slices,
      /* Slices with fewer complete responses are reported as skipped. */
      Integer minResponses,
      /* Responses of the last this many days up to the as-of date are analysed. */
      Integer lookbackDays,
      /* Poisson bootstrap resamples for the confidence intervals of the relative weights. */
      Integer bootstrap,
      /* Confidence level of the bootstrap intervals. */
      Double confidence,
      /* Performance of a driver: mean (mean rating rescaled to 0-100) | top2 (% rating 4-5). */
      String performance,
      /* Quadrant thresholds: mean or median of the slice's drivers, or a fixed number. */
      Quadrant quadrant,
      /* Penalty/reward (Kano) split. */
      Kano kano,
      /* Seed of the bootstrap weights and the noise probe. */
      Integer seed) {
    /** Slice dimensions the stage knows. */
    public static final java.util.List<String> SLICES = java.util.List.of("region", "channel", "touchpoint",
        "journey_stage", "survey_type", "segment");
    /** Outcome types: continuous ones get OLS, binary ones logistic regression. */
    public static final java.util.List<String> OUTCOME_TYPES = java.util.List.of("nps", "csat", "ces", "repurchase",
        "renewal");
  }

  /**
   * One outcome of the key-driver analysis. {@code windowDays}: repurchase = a completed order within this
   * many days after the response; renewal = the next renewal decided within this many days.
   */
  public record Outcome(String name, String type, Integer windowDays) {
    public boolean binary() {
      return type.equals("repurchase") || type.equals("renewal");
    }
  }

  /** Importance-performance thresholds: "mean", "median" or a number (importance in %, performance 0-100). */
  public record Quadrant(String importance, String performance) {}

  /**
   * Kano-style penalty/reward: ratings at or below poorMax are poor, at or above excellentMin excellent;
   * a penalty share of at least dominance makes a dissatisfier, a reward share of at least dominance a delighter.
   */
  public record Kano(Integer poorMax, Integer excellentMin, Double dominance) {}

  /** Touchpoint journey (SPEC §8.7); docs/drivers.md#journey. */
  public record Journey(
      /* month | week. */
      String periodType,
      /* key_driver outcome whose touchpoint slices give each touchpoint's top driver. */
      String driverOutcome,
      /* Weights of the negativity components in the pain index (normalised over those with data). */
      PainWeights painWeights,
      /* Touchpoint-periods with fewer survey responses are flagged low_confidence. */
      Integer minResponses) {}

  /** Weights of the pain index's negativity components. */
  public record PainWeights(Double detractors, Double dissatisfied, Double hardEffort, Double complaints) {}

  /** Voice of the customer (SPEC §8.6); docs/voice.md. */
  public record Voice(
      /* Languages with their own tokenization and stop words (en, es, pt; zh by character bigrams); others use en rules. */
      java.util.List<String> languages,
      /* A language with fewer weakly labelled texts gets lexicon sentiment instead of the learned model. */
      Integer minLabelled,
      /* Sentiment scores within ±this are neutral (lexicon); the model labels by its most likely class. */
      Double neutralBand,
      /* LDA topics per language; 0 = choose k by held-out perplexity over topic_range. */
      Integer topics,
      /* Smallest and largest k tried when topics is 0. */
      java.util.List<Integer> topicRange,
      /* LDA iterations (online variational Bayes, whole corpus per iteration). */
      Integer ldaIterations,
      /* LDA fits from different seeds; the highest log likelihood wins. */
      Integer topicRestarts,
      /* LDA is fitted on at most this many texts per language (every text is then assigned). */
      Integer topicSample,
      /* Vocabulary size per language. */
      Integer vocabulary,
      /* A term must occur in at least this many texts. */
      Integer minDocFreq,
      /* A language needs this many texts for its own topics. */
      Integer minTopicDocs,
      /* customer_360 sentiment: mean of the customer's verbatims of the last this many days. */
      Integer sentimentDays,
      /* Topic-periods with fewer texts are flagged low_confidence. */
      Integer painMinResponses,
      /* Negativity of the pain score (texts × negativity): sentiment (share of negative texts) | detractors (share of NPS 0-6). */
      String painNegativity,
      /* Seed of splits and LDA. */
      Integer seed) {}

  /** Table maintenance (cxlake maintain): OPTIMIZE with Z-order, then VACUUM. */
  public record Maintenance(
      /* Databases maintained, by layer: bronze | silver | gold | ops. */
      java.util.List<String> layers,
      /* Z-ORDER gold tables by the columns their contracts name (BI filters). */
      Boolean zorder,
      /* VACUUM keeps files a table version of the last this many hours still needs (time travel, slow readers). */
      Integer vacuumRetentionHours,
      /* Below Delta's 168-hour safety floor only when this is true (readers of older versions fail). */
      Boolean allowShortRetention) {}

  /** Synthetic data generator defaults. */
  public record Generate(
      /* Last day of generated history (fixed so output depends on the seed only). */
      String endDate,
      /* Months of history. */
      Integer months,
      /* Share of extra dirty rows planted per clean row. */
      Double dirtyRate) {
    public java.time.LocalDate endDateValue() {
      return java.time.LocalDate.parse(endDate);
    }
  }
}
