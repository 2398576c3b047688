package io.cxlake.core;

/**
 * A table by layer and name, without the configured database names ("silver.orders",
 * "gold.customer_360"); {@link Catalog#name(TableRef)} qualifies it.
 */
public record TableRef(Layer layer, String name) {
  /** The four layers of the lakehouse. */
  public enum Layer { BRONZE, SILVER, GOLD, OPS }

  public static TableRef bronze(String name) {
    return new TableRef(Layer.BRONZE, name);
  }

  public static TableRef silver(String name) {
    return new TableRef(Layer.SILVER, name);
  }

  public static TableRef gold(String name) {
    return new TableRef(Layer.GOLD, name);
  }

  public static TableRef ops(String name) {
    return new TableRef(Layer.OPS, name);
  }

  @Override
  public String toString() {
    return layer.name().toLowerCase(java.util.Locale.ROOT) + "." + name;
  }
}
