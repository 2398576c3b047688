package io.cxlake.platform;

import io.cxlake.contract.TableContract;
import java.util.function.UnaryOperator;

/**
 * A customer_360 column a stage contributes: copied from a column of one of its gold tables
 * (rows of the snapshot's as-of date, joined on customer_key) by the one enrichment step of a
 * run ({@link Customer360Enrichment}); declared in the customer_360 contract with its checks.
 *
 * @param source       the gold table the value comes from (it has as_of_date and customer_key)
 * @param sourceColumn its column
 * @param checks       contract checks of the column (range, accepted values), applied after it is declared
 */
public record CustomerColumn(String name, String sqlType, String description, String source, String sourceColumn,
    UnaryOperator<TableContract.Builder> checks) {

  public static CustomerColumn of(String name, String sqlType, String description, TableContract source,
      String sourceColumn) {
    return new CustomerColumn(name, sqlType, description, source.name(), sourceColumn, UnaryOperator.identity());
  }

  /** The same column with contract checks, e.g. {@code b -> b.range(0, 1)}. */
  public CustomerColumn checked(UnaryOperator<TableContract.Builder> check) {
    return new CustomerColumn(name, sqlType, description, source, sourceColumn, check);
  }
}
