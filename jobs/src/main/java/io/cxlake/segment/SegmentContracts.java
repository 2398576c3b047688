package io.cxlake.segment;

import io.cxlake.core.Tier;
import io.cxlake.metrics.MetricsConfig;
import io.cxlake.contract.TableContract;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.core.CxlakeConfig;
import java.util.List;

/** Contracts of the segmentation tables (docs/segmentation.md explains how to read them). */
public final class SegmentContracts {
  private SegmentContracts() {}

  private static final String KEY = GoldContracts.KEY;
  private static final String AS_OF = "As-of date the row describes (data up to and including this day)";

  /** as_of_date and customer_key: the key columns of the per-customer tables. */
  private static TableContract.Builder asOfAndCustomer(TableContract.Builder b) {
    return b.column("as_of_date", "date", AS_OF).notNull()
        .column("customer_key", "string", KEY).notNull();
  }

  private static TableContract.Builder algorithm(TableContract.Builder b) {
    return b.column("algorithm", "string", "kmeans, bisecting_kmeans or gaussian_mixture").notNull()
        .accepted(SegmentationConfig.CLUSTER_ALGORITHMS.toArray(String[]::new));
  }

  public static final TableContract CUSTOMER_RFM = TableContract.table("customer_rfm",
          "one row per as-of date and customer (every customer signed up by the as-of date)")
      .describe("RFM: recency, frequency and monetary value of completed orders in the lookback window, quintile scores and the named segment (SPEC §8.1). Returned orders are not completed, so monetary is net of returns and discounts.")
      .with(SegmentContracts::asOfAndCustomer)
      .column("lookback_days", "int", "Window length: completed orders of the last this many days count").notNull().min(1)
      .column("last_order_date", "date", "Latest completed order in the window (null: none)")
      .column("recency_days", "int", "R: days from the latest completed order in the window to the as-of date (null: none)").min(0)
      .column("frequency", "bigint", "F: completed orders in the window").notNull().min(0)
      .column("monetary", "decimal(18,2)", "M: net amount (amount - discount) of the completed orders in the window").notNull()
      .column("r_score", "int", "Recency quintile 1-5, 5 = most recent; ties share the score of their group's first position").range(1, 5)
      .column("f_score", "int", "Frequency quintile 1-5, 5 = most orders").range(1, 5)
      .column("m_score", "int", "Monetary quintile 1-5, 5 = highest revenue").range(1, 5)
      .column("rfm_cell", "string", "The three scores as digits R F M, e.g. 545 (null: no orders in the window)")
      .column("rfm_score", "int", "r_score + f_score + m_score, 3-15").range(3, 15)
      .column("segment", "string", "Named segment from segmentation.rfm.segments (first matching rule), or the no-orders segment").notNull()
      .invariant("scores_iff_orders", "(frequency > 0) = (r_score IS NOT NULL AND f_score IS NOT NULL AND m_score IS NOT NULL)",
          "customers with orders in the window have all three scores, others none")
      .key("as_of_date", "customer_key").partitionBy("as_of_date").zorderBy("customer_key")
      .build();

  public static final TableContract CUSTOMER_VALUE = TableContract.table("customer_value",
          "one row per as-of date and customer (every customer signed up by the as-of date)")
      .describe("ABC value model: attitude (X), behaviour and consumption factor scores 0-100 by percentile rank, lifecycle-stage weights, overall value score and tier; and the Pareto ABC class on revenue share (SPEC §8.2).")
      .with(SegmentContracts::asOfAndCustomer)
      .column("lifecycle_stage", "string", "Lifecycle stage from customer_360 (metrics.lifecycle)").notNull()
      .accepted(MetricsConfig.Lifecycle.STAGES.toArray(String[]::new))
      .column("attitude_score", "double", "A: mean percentile rank 0-100 of the attitude inputs the customer has (null: never answered a survey)").range(0, 100)
      .column("behaviour_score", "double", "B: mean percentile rank 0-100 of the behaviour inputs").range(0, 100)
      .column("consumption_score", "double", "C: mean percentile rank 0-100 of the consumption inputs").range(0, 100)
      .column("weight_attitude", "double", "Weight of attitude for the customer's lifecycle stage").notNull().range(0, 1)
      .column("weight_behaviour", "double", "Weight of behaviour for the customer's lifecycle stage").notNull().range(0, 1)
      .column("weight_consumption", "double", "Weight of consumption for the customer's lifecycle stage").notNull().range(0, 1)
      .column("value_score", "double", "Overall value 0-100: weighted mean of the factors present (weights renormalised when a factor is null)").range(0, 100)
      .column("value_tier", "string", "Tier of value_score from segmentation.value.tiers")
      .column("revenue", "decimal(18,2)", "Net revenue in the RFM window (customer_rfm.monetary), the basis of the Pareto class").notNull()
      .column("revenue_share_pct", "double", "The customer's share of total revenue, %").range(0, 100)
      .column("cumulative_revenue_pct", "double", "Share of total revenue made by customers with at least this revenue, %").range(0, 100)
      .column("pareto_class", "string", "A: customers making the top 80% of revenue; B: the next 15%; C: the rest (bounds: segmentation.value.pareto_a and pareto_b)").notNull()
      .accepted("A", "B", "C")
      .invariant("weights_sum_to_one", "abs(weight_attitude + weight_behaviour + weight_consumption - 1) < 1e-6",
          "the stage weights sum to 1")
      .key("as_of_date", "customer_key").partitionBy("as_of_date").zorderBy("customer_key")
      .build();

  public static final TableContract CUSTOMER_CLUSTER = TableContract.table("customer_cluster",
          "one row per as-of date and customer (every customer signed up by the as-of date)")
      .describe("Cluster of each customer on the configured behavioural and experience features (SPEC §8.3); customers with too little history are listed, not clustered.")
      .with(SegmentContracts::asOfAndCustomer)
      .column("cluster_id", "int", "Cluster 1..k, numbered by size at the fit (1 = largest then); null when not clustered").min(1)
      .column("cluster_label", "string", "Plain-language label of the cluster, or why the customer was not clustered").notNull()
      .column("is_clustered", "boolean", "Whether the customer had enough history (segmentation.cluster.min_orders) to be clustered").notNull()
      .column("completed_orders", "bigint", "Completed orders in the clustering window").notNull().min(0)
      .column("distance", "double", "Euclidean distance to the cluster centre in standardised units (small = typical member)").min(0)
      .with(SegmentContracts::algorithm)
      .column("fit_as_of_date", "date", "As-of date of the fit (cluster_model) whose model assigned the clusters: this as-of date, or an earlier one within segmentation.cluster.refit_days").notNull()
      .invariant("clustered_has_id", "is_clustered = (cluster_id IS NOT NULL)", "clustered customers and only they have a cluster")
      .key("as_of_date", "customer_key").partitionBy("as_of_date").zorderBy("cluster_id")
      .build();

  public static final TableContract CLUSTER_PROFILE = TableContract.table("cluster_profile",
          "one row per as-of date, cluster and feature")
      .describe("Profile of each cluster on the as-of date in original units: per feature the cluster mean, the mean and standard deviation of all clustered customers, and the z-score; with size, share, label and the figures of the fit whose model assigned the clusters (k, silhouette by k, stability). A cluster no customer is assigned to on the date has no rows.")
      .column("as_of_date", "date", AS_OF).notNull()
      .column("cluster_id", "int", "Cluster 1..k (1 = largest)").notNull().min(1)
      .column("cluster_label", "string", "Plain-language label from the features with the largest |z| (segmentation.cluster.label_min_z)").notNull()
      .column("customers", "bigint", "Customers in the cluster").notNull().min(1)
      .column("share_pct", "double", "Share of clustered customers, %").notNull().range(0, 100)
      .column("feature", "string", "Feature name (docs/segmentation.md#features)").notNull()
      .column("feature_description", "string", "What the feature measures").notNull()
      .column("transform", "string", "Transform before standard scaling: log (ln(1+x)) or none").notNull().accepted("log", "none")
      .column("cluster_mean", "double", "Mean of the feature in the cluster, original units (missing values imputed with the population median)").notNull()
      .column("population_mean", "double", "Mean over all clustered customers, original units").notNull()
      .column("population_sd", "double", "Standard deviation over all clustered customers, original units").notNull().min(0)
      .column("z_score", "double", "(cluster_mean - population_mean) / population_sd; 0 when the sd is 0").notNull()
      .column("in_label", "boolean", "Whether the feature names the cluster in its label").notNull()
      .with(SegmentContracts::algorithm)
      .column("k", "int", "Number of clusters").notNull().min(1)
      .column("silhouette", "double", "Silhouette of the chosen k on the selection sample (squared Euclidean, -1..1)").range(-1, 1)
      .column("silhouette_by_k", "map<int,double>", "Silhouette of every k tried (empty entries: k fixed in config)")
      .column("stability_ari", "double", "Adjusted Rand index between the fits with seed and stability_seed (1 = identical)").range(-1, 1)
      .column("fit_as_of_date", "date", "As-of date of the fit (cluster_model) whose model and figures these are").notNull()
      .key("as_of_date", "cluster_id", "feature").partitionBy("as_of_date")
      .build();

  public static final TableContract CLUSTER_MODEL = TableContract.table("cluster_model",
          "one row per fit of the clustering model")
      .describe("Each fit of the clustering model: when, on how many customers, the chosen k and its figures, the scaling the model was fitted on (population medians for missing values, mean and standard deviation of each transformed feature), how the algorithm's cluster numbers map to cluster ids, and where the model is saved. Between fits (segmentation.cluster.refit_days) a run assigns customers with the latest fit's model and scaling, so a customer keeps the cluster id of a cluster that did not move.")
      .column("run_id", "string", "Run that fitted the model").notNull()
      .column("as_of_date", "date", "The model learned from customers as of this day").notNull()
      .column("fitted_at", "timestamp", "When the fit was recorded (UTC)").notNull()
      .with(SegmentContracts::algorithm)
      .column("customers", "bigint", "Customers clustered at the fit (enough completed orders)").notNull().min(1)
      .column("k", "int", "Number of clusters").notNull().min(1)
      .column("silhouette", "double", "Silhouette of the chosen k on the selection sample (squared Euclidean, -1..1)").range(-1, 1)
      .column("silhouette_by_k", "map<int,double>", "Silhouette of every k tried (empty entries: k fixed in config)")
      .column("stability_ari", "double", "Adjusted Rand index between the fits with seed and stability_seed (1 = identical)").range(-1, 1)
      .column("feature_medians", "map<string,double>", "Per feature: the population median a missing value is replaced with (original units)").notNull()
      .column("feature_means", "map<string,double>", "Per feature: the mean after its transform, subtracted in standard scaling").notNull()
      .column("feature_sds", "map<string,double>", "Per feature: the population standard deviation after its transform, divided by in standard scaling (0: the feature is constant and scales to 0)").notNull()
      .column("cluster_ids", "map<int,int>", "The algorithm's cluster number (0-based) to cluster_id (1 = the largest at the fit)").notNull()
      .column("settings", "string", "The clustering settings the model depends on and the cxlake version; other settings refit").notNull()
      .column("model_path", "string", "Folder of the saved model (MLlib format)").notNull()
      .key("run_id").zorderBy("as_of_date")
      .build();

  public static List<TableContract> all() {
    return List.of(CUSTOMER_RFM, CUSTOMER_VALUE, CUSTOMER_CLUSTER, CLUSTER_PROFILE, CLUSTER_MODEL);
  }
}
