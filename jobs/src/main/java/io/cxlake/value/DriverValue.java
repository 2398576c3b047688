package io.cxlake.value;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** The value chain of one more rating point on each NPS key driver (driver_value; docs/value.md). */
final class DriverValue {
  private DriverValue() {}

  /** One key_driver row: driver, its as-of date, importance_pct, significant, coefficient_per_point, p_value. */
  record Driver(String name, LocalDate asOf, Double importancePct, Boolean significant, Double perPoint, Double pValue) {}

  /**
   * @param npsCounts customers with a CLV by their latest NPS answer 0..10
   * @param clv       the adjusted CLV differences by NPS group
   */
  static List<Row> rows(LocalDate asOf, List<Driver> drivers, long[] npsCounts, ExperienceValue.Adjusted clv) {
    long surveyed = 0;
    for (long c : npsCounts) {
      surveyed += c;
    }
    double[] now = NpsShift.shares(npsCounts, 0);
    Double promoterValue = clv.byGroup().getOrDefault("promoter", ExperienceValue.Difference.NONE).estimate();
    Double detractorValue = clv.byGroup().getOrDefault("detractor", ExperienceValue.Difference.NONE).estimate();
    List<Row> out = new ArrayList<>();
    for (Driver d : drivers) {
      Double promotersChange = null;
      Double detractorsChange = null;
      Double valueChange = null;
      String note = null;
      if (d.perPoint() == null) {
        note = "the driver model has no coefficient for this driver";
      } else if (surveyed == 0) {
        note = "no customer with a CLV has an NPS answer";
      } else {
        double[] after = NpsShift.shares(npsCounts, d.perPoint());
        promotersChange = after[0] - now[0];
        detractorsChange = after[1] - now[1];
        if (promoterValue == null || detractorValue == null) {
          note = "no adjusted CLV difference for " + (promoterValue == null ? "promoters" : "detractors")
              + " (experience_value.note says why)";
        } else {
          valueChange = surveyed * (promotersChange * promoterValue + detractorsChange * detractorValue);
        }
      }
      out.add(RowFactory.create(Date.valueOf(asOf), d.name(), Date.valueOf(d.asOf()), d.importancePct(), d.significant(),
          d.perPoint(), d.pValue(), surveyed, surveyed == 0 ? null : 100 * now[0], surveyed == 0 ? null : 100 * now[1],
          promotersChange == null ? null : 100 * promotersChange, detractorsChange == null ? null : 100 * detractorsChange,
          promotersChange == null ? null : 100 * (promotersChange - detractorsChange), promoterValue, detractorValue,
          valueChange, note));
    }
    return out;
  }
}
