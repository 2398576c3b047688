package io.cxlake.core;

/** A configuration error: names the file and the key; the CLI exits with code 2. */
public class ConfigException extends CxlakeException {
  private final String file;
  private final String key;

  public ConfigException(String file, String key, String problem) {
    super(file + ": " + (key == null || key.isEmpty() ? "" : "key '" + key + "': ") + problem, 2, null);
    this.file = file;
    this.key = key;
  }

  public String file() {
    return file;
  }

  public String key() {
    return key;
  }
}
