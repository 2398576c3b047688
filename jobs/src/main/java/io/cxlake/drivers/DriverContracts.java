package io.cxlake.drivers;

import io.cxlake.contract.TableContract;
import java.util.List;

/** Contracts of key_driver and touchpoint_journey (docs/drivers.md explains how to read them). */
public final class DriverContracts {
  private DriverContracts() {}

  public static final TableContract KEY_DRIVER = TableContract.table("key_driver",
          "one row per run (as-of date) x outcome x slice x driver")
      .describe("Key-driver analysis (SPEC §8.5): for each outcome (NPS, CSAT, CES, or a behavioural outcome such as repurchase or renewal after the response) and slice, each rated attribute's standardized coefficient, Johnson's relative weight with a bootstrap confidence interval, significance against a pure-noise probe, performance, importance-performance quadrant and Kano class. Slices with too few responses are present with status skipped. Rows of an as-of date are replaced when the analysis reruns for it. The analysis runs at most every drivers.refit_days: the days in between have no rows of their own, and the latest as-of date up to a day is the analysis that stands for it.")
      .column("run_id", "string", "Run that computed the rows (cx_ops.pipeline_run.run_id)").notNull()
      .column("as_of_date", "date", "As-of date: responses of drivers.lookback_days up to this day").notNull()
      .column("window_start", "date", "First response day analysed").notNull()
      .column("outcome", "string", "Outcome name from drivers.outcomes").notNull()
      .column("outcome_type", "string", "nps, csat, ces (continuous) or repurchase, renewal (binary, X to O)").notNull()
      .accepted("nps", "csat", "ces", "repurchase", "renewal")
      .column("model", "string", "ols (continuous outcomes) or logistic (binary outcomes)").notNull().accepted("ols", "logistic")
      .column("slice_type", "string", "Slice dimension: all, region, channel, touchpoint, journey_stage, survey_type, segment").notNull()
      .column("slice_value", "string", "Value of the slice (all for the all slice; unknown when missing)").notNull()
      .column("driver", "string", "Rated attribute (fact_survey_rating.attribute)").notNull()
      .column("status", "string", "ok; skipped (fewer complete responses than drivers.min_responses); unfit (see note)").notNull()
      .accepted("ok", "skipped", "unfit")
      .column("note", "string", "Why a slice was skipped or could not be fitted")
      .column("responses", "bigint", "Complete responses in the model (outcome known, every driver rated)").notNull().min(0)
      .column("effective_n", "double", "Kish effective sample size of the respondent weights").min(0)
      .column("r_squared", "double", "OLS: R² of the model (drivers + noise probe); logistic: squared correlation of the outcome with the predicted probability").range(0, 1)
      .column("coefficient", "double", "OLS: standardized coefficient (beta); logistic: change in log-odds per standard deviation of the driver")
      .column("coefficient_per_point", "double", "The coefficient in the data's units: OLS: change in the outcome (its own scale, e.g. the 0-10 NPS answer) per point of the driver's 1-5 rating, the other drivers held equal; logistic: change in log-odds per rating point")
      .column("p_value", "double", "Two-sided p-value of the coefficient (t-test for OLS, Wald for logistic)").range(0, 1)
      .column("raw_weight", "double", "Johnson's relative weight: the driver's share of R² (the raw weights of a model sum to R²)").min(0)
      .column("raw_weight_ci_low", "double", "Lower end of the bootstrap percentile interval of raw_weight (drivers.confidence)").min(0)
      .column("raw_weight_ci_high", "double", "Upper end of the bootstrap percentile interval of raw_weight").min(0)
      .column("importance_pct", "double", "Relative weight rescaled to % of the drivers' total (sums to 100 per outcome and slice)").range(0, 100)
      .column("importance_ci_low", "double", "Lower end of the bootstrap interval of importance_pct").range(0, 100)
      .column("importance_ci_high", "double", "Upper end of the bootstrap interval of importance_pct").range(0, 100)
      .column("noise_weight", "double", "Raw weight of the pure-noise probe added to the model").min(0)
      .column("over_noise_ci_low", "double", "Lower end of the bootstrap interval of (raw_weight − the noise probe's weight), paired by resample")
      .column("significant", "boolean", "The driver beats the noise probe: over_noise_ci_low > 0 and raw_weight_ci_low > noise_weight")
      .column("importance_rank", "int", "1 = the largest raw weight in the outcome and slice").min(1)
      .column("performance", "double", "Performance 0-100: mean rating rescaled ((mean − 1) / 4 × 100), or % top-2-box (drivers.performance)").range(0, 100)
      .column("mean_rating", "double", "Weighted mean rating 1-5 (other scales: on their 1-5 equivalent, score_100 / 25 + 1)").range(1, 5)
      .column("top2_pct", "double", "% of ratings 4-5 (other scales: the top quarter)").range(0, 100)
      .column("poor_pct", "double", "% of ratings at or below drivers.kano.poor_max").range(0, 100)
      .column("excellent_pct", "double", "% of ratings at or above drivers.kano.excellent_min").range(0, 100)
      .column("quadrant", "string", "Importance-performance quadrant: fix first (important, below par), maintain (important, good), monitor (less important, good), low priority (less important, below par)")
      .accepted("fix first", "maintain", "monitor", "low priority")
      .column("kano_penalty", "double", "Drop in the outcome with a poor rating vs a middle one (scale points; percentage points for binary outcomes)")
      .column("kano_reward", "double", "Gain in the outcome with an excellent rating vs a middle one (same units)")
      .column("kano_class", "string", "dissatisfier (mostly penalty), delighter (mostly reward), performance (both), indifferent (neither)")
      .accepted("dissatisfier", "delighter", "performance", "indifferent")
      .column("bootstrap_resamples", "int", "Bootstrap resamples behind the intervals").min(0)
      .column("settings", "string", "The drivers settings of the analysis and the cxlake version: a run less than drivers.refit_days after an analysis with the same settings leaves it standing").notNull()
      .invariant("ok_rows_have_weights", "status <> 'ok' OR (raw_weight IS NOT NULL AND importance_rank IS NOT NULL)",
          "an analysed driver has a weight and a rank")
      .invariant("ci_ordered", "raw_weight_ci_low IS NULL OR raw_weight_ci_low <= raw_weight_ci_high",
          "the interval's ends are ordered")
      .key("as_of_date", "outcome", "slice_type", "slice_value", "driver").zorderBy("outcome", "slice_type")
      .build();

  public static final TableContract TOUCHPOINT_JOURNEY = TableContract.table("touchpoint_journey",
          "one row per period x journey_stage x touchpoint")
      .describe("Touchpoint journey (SPEC §8.7): per touchpoint and journey stage and period, survey volume and scores, support contacts, complaints and response times, the touchpoint's top driver from key_driver, and a pain index (volume share × negativity) that ranks the touchpoints of each period. Rebuilt on each run.")
      .column("run_id", "string", "Run that computed the rows").notNull()
      .column("as_of_date", "date", "Data up to this day").notNull()
      .column("period_type", "string", "month or week (journey.period_type)").notNull().accepted("month", "week")
      .column("period_start", "date", "First day of the period").notNull()
      .column("period_end", "date", "First day after the period (exclusive end)").notNull()
      .column("is_complete", "boolean", "Whether the period ended on or before the as-of date").notNull()
      .column("journey_stage", "string", "Journey stage: of the survey response; of the touchpoint (dim_touchpoint) for support contacts").notNull()
      .column("touchpoint", "string", "Touchpoint").notNull()
      .column("responses", "bigint", "Survey responses").notNull().min(0)
      .column("nps", "double", "Weighted NPS (−100..100)").range(-100, 100)
      .column("detractors_pct", "double", "Weighted % of NPS answers 0-6").range(0, 100)
      .column("csat_mean", "double", "Weighted mean CSAT 1-5").range(1, 5)
      .column("csat_top2_pct", "double", "Weighted % CSAT 4-5").range(0, 100)
      .column("dissatisfied_pct", "double", "Weighted % CSAT 1-2").range(0, 100)
      .column("ces_mean", "double", "Weighted mean CES 1-7 (7 = very easy)").range(1, 7)
      .column("hard_effort_pct", "double", "Weighted % CES 1-3 (hard)").range(0, 100)
      .column("contacts", "bigint", "Support contacts").notNull().min(0)
      .column("complaints", "bigint", "Support contacts that are complaints").notNull().min(0)
      .column("complaint_pct", "double", "% of contacts that are complaints").range(0, 100)
      .column("first_response_hours_median", "double", "Median hours to the first response").min(0)
      .column("resolution_hours_median", "double", "Median hours to resolution (resolved contacts)").min(0)
      .column("resolution_hours_p90", "double", "90th percentile of hours to resolution").min(0)
      .column("top_driver", "string", "The touchpoint's most important driver of journey.driver_outcome (key_driver, touchpoint slice, latest run up to the as-of date)")
      .column("top_driver_importance_pct", "double", "Its importance_pct").range(0, 100)
      .column("top_driver_quadrant", "string", "Its importance-performance quadrant")
      .column("fix_first_drivers", "array<string>", "The touchpoint's drivers in the fix-first quadrant, most important first")
      .column("volume_share", "double", "Share of the period's responses + contacts at this row (0-1)").range(0, 1)
      .column("negativity", "double", "Weighted mean of detractor, dissatisfied, hard-effort and complaint shares (journey.pain_weights, over those with data; 0-1)").range(0, 1)
      .column("pain_index", "double", "volume_share × negativity × 100").range(0, 100)
      .column("pain_rank", "int", "1 = the period's most painful touchpoint row").min(1)
      .column("low_confidence", "boolean", "Fewer survey responses than journey.min_responses").notNull()
      .key("period_type", "period_start", "journey_stage", "touchpoint").zorderBy("period_start", "touchpoint")
      .build();

  public static List<TableContract> all() {
    return List.of(KEY_DRIVER, TOUCHPOINT_JOURNEY);
  }
}
