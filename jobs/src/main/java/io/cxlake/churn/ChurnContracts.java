package io.cxlake.churn;

import io.cxlake.contract.TableContract;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.core.CxlakeConfig;
import java.util.List;

/** Contracts of the churn tables (docs/churn.md explains how to read them). */
public final class ChurnContracts {
  private ChurnContracts() {}

  private static final String RUN_ID = "Run id of the churn run (cx_ops.pipeline_run.run_id)";

  public static final TableContract CHURN_MODEL_RUN = TableContract.table("churn_model_run",
          "one row per churn training or evaluation run")
      .describe("Churn model runs and their model cards (SPEC §8.4): data window, cutoffs, row counts, churn rates, features, chosen model and parameters, out-of-time validation metrics beside a naive baseline, calibration, and the score drift (PSI) of the latest scoring. Lift, capture and calibration by decile are in churn_model_decile.")
      .column("run_id", "string", RUN_ID).notNull()
      .column("kind", "string", "train (a model was fitted) or evaluate (a saved model judged on newer labelled data)").notNull()
      .accepted("train", "evaluate")
      .column("mode", "string", "native (features built from the gold tables) or byof (bring your own feature table)").notNull()
      .accepted("native", "byof")
      .column("model_run_id", "string", "Run that trained the model (= run_id for kind train)").notNull()
      .column("created_at", "timestamp", "When the run finished (UTC)").notNull()
      .column("as_of_date", "date", "Native: the as-of date (data up to this day); byof: null")
      .column("source", "string", "Where the rows came from: gold tables, or the feature file/table of byof").notNull()
      .column("label_definition", "string", "What churned means for this model").notNull()
      .column("horizon_days", "int", "Native: days after a cutoff the label looks ahead").min(1)
      .column("training_cutoffs", "array<date>", "Native: monthly cutoffs the model was trained on (label windows closed by the validation cutoff)")
      .column("validation_cutoff", "date", "Native: the out-of-time cutoff the model was judged on (latest with a complete label window)")
      .column("train_rows", "bigint", "Training rows (customer x cutoff; byof: rows in the training split)").notNull().min(0)
      .column("validation_rows", "bigint", "Validation rows (validation cutoff, or the holdout)").notNull().min(1)
      .column("train_churn_rate", "double", "Share of training rows that churned").range(0, 1)
      .column("validation_churn_rate", "double", "Share of validation rows that churned").notNull().range(0, 1)
      .column("features", "array<string>", "Features the model uses, in order").notNull()
      .column("dropped_features", "array<string>", "Configured features left out (no value in the training rows)")
      .column("model", "string", "Chosen model: logistic_regression or gbt (best PR-AUC on validation)").notNull()
      .accepted(ChurnConfig.MODELS.toArray(String[]::new))
      .column("params", "map<string,string>", "Hyper-parameters of the chosen model").notNull()
      .column("candidates", "array<struct<model:string,params:string,tuning_pr_auc:double,validation_auc_roc:double,validation_pr_auc:double>>",
          "Every candidate: PR-AUC when tuning; each family's best also its validation AUC-ROC and PR-AUC")
      .column("auc_roc", "double", "Area under the ROC curve on validation").notNull().range(0, 1)
      .column("pr_auc", "double", "Area under the precision-recall curve on validation").notNull().range(0, 1)
      .column("brier", "double", "Brier score of the calibrated probability on validation (cross-fitted; lower is better)").notNull().range(0, 1)
      .column("baseline", "string", "The naive baseline the model is compared with").notNull()
      .column("baseline_auc_roc", "double", "AUC-ROC of the baseline on validation").range(0, 1)
      .column("baseline_pr_auc", "double", "PR-AUC of the baseline on validation").range(0, 1)
      .column("baseline_brier", "double", "Brier score of the baseline, Platt-calibrated (cross-fitted)").range(0, 1)
      .column("calibration_slope", "double", "Platt scaling: P = sigmoid(slope * log-odds + intercept), fitted on validation").notNull()
      .column("calibration_intercept", "double", "Platt scaling intercept").notNull()
      .column("model_path", "string", "Where the MLlib pipeline model is saved (warehouse/_models/churn/<run id>)").notNull()
      .column("reference_values", "map<string,double>", "Training median of each numeric feature: the typical value reasons compare with")
      .column("psi_edges", "array<double>", "Decile edges of the calibrated validation probabilities (bins of the PSI)")
      .column("psi_expected", "array<double>", "Share of validation rows in each PSI bin (bin 1 = highest risk)")
      .column("scored_as_of_date", "date", "As-of date of the latest scoring with this model")
      .column("scored_customers", "bigint", "Customers scored then").min(0)
      .column("psi", "double", "Population stability index of that scoring vs the validation probabilities (<0.1 stable, >0.25 shifted)").min(0)
      .column("model_card", "string", "The model card as text").notNull()
      // added later: new columns go last, where ALTER TABLE ADD COLUMNS puts them in existing tables
      .column("training_fingerprint", "string", "Native: SHA-256 of the training rows (features and labels of every cutoff up to validation), cutoffs, features, settings and cxlake version; a pipeline run whose training would have the same fingerprint scores with this model instead of fitting it again (null: recorded before fingerprints)")
      .column("training_column_sums", "map<string,string>", "Native: per column of the training rows, the order-free sum of its cells' 64-bit hashes (doubles to 6 decimals); when a run cannot reuse a model it names the columns whose sums moved")
      .column("settings", "string", "Native: the churn settings but refit_days, the features the inputs offered and the cxlake version; a pipeline run less than churn.refit_days after this training, with the same settings, scores with its model (null: recorded before training schedules)")
      .key("run_id")
      .build();

  public static final TableContract CHURN_MODEL_DECILE = TableContract.table("churn_model_decile",
          "one row per run, scorer (model or baseline) and decile of predicted risk")
      .describe("Lift, capture and calibration by decile of the calibrated churn probability on the validation rows: decile 1 holds the 10% of customers the scorer ranks riskiest. Calibration: mean_predicted against churn_rate.")
      .column("run_id", "string", RUN_ID).notNull()
      .column("scorer", "string", "model (the chosen model) or baseline").notNull().accepted("model", "baseline")
      .column("decile", "int", "1 = highest predicted risk ... 10 = lowest").notNull().range(1, 10)
      .column("customers", "bigint", "Validation rows in the decile").notNull().min(1)
      .column("churners", "bigint", "Of them, rows that churned").notNull().min(0)
      .column("churn_rate", "double", "Observed churn rate in the decile").notNull().range(0, 1)
      .column("mean_predicted", "double", "Mean calibrated probability in the decile (cross-fitted)").notNull().range(0, 1)
      .column("lift", "double", "churn_rate / overall churn rate").notNull().min(0)
      .column("capture_pct", "double", "Share of all churners in this decile, %").notNull().range(0, 100)
      .column("cumulative_capture_pct", "double", "Share of all churners in deciles 1..this, %").notNull().range(0, 100)
      .column("cumulative_lift", "double", "Churn rate of deciles 1..this / overall churn rate").notNull().min(0)
      .key("run_id", "scorer", "decile")
      .build();

  public static final TableContract CHURN_SCORE = TableContract.table("churn_score",
          "one row per as-of date and active customer")
      .describe("Churn risk of every active customer at the as-of date (SPEC §8.4): calibrated probability of churning within the horizon, risk band, and the top 3 reasons as feature contributions in probability points.")
      .column("as_of_date", "date", "As-of date of the scoring (features use data up to this day)").notNull()
      .column("customer_key", "string", GoldContracts.KEY).notNull()
      .column("model_run_id", "string", "Run that trained the model (churn_model_run)").notNull()
      .column("model", "string", "logistic_regression or gbt").notNull()
      .accepted(ChurnConfig.MODELS.toArray(String[]::new))
      .column("churn_probability", "double", "Calibrated probability of churning within the horizon").notNull().range(0, 1)
      .column("raw_probability", "double", "The model's uncalibrated probability (class-weighted training)").notNull().range(0, 1)
      .column("risk_band", "string", "Band of churn_probability from churn.risk_bands").notNull()
      .column("reason_1", "string", "Strongest reason, e.g. \"3 complaints in 90 days (+0.12)\" (null: none adds 0.005 or more)")
      .column("reason_2", "string", "Second reason")
      .column("reason_3", "string", "Third reason")
      .column("reasons", "array<struct<rank:int,feature:string,value:double,contribution:double>>",
          "The reasons as data: feature, the customer's value, and the probability points it adds compared with the training median").notNull()
      .key("as_of_date", "customer_key").partitionBy("as_of_date").zorderBy("churn_probability")
      .build();

  public static List<TableContract> all() {
    return List.of(CHURN_MODEL_RUN, CHURN_MODEL_DECILE, CHURN_SCORE);
  }
}
