package io.cxlake.core;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system ({@code file:}) without a forked process per file. Without
 * Hadoop's native library (libhadoop, which Spark does not ship), {@link RawLocalFileSystem}
 * runs {@code chmod} after creating each file and folder, and {@code readlink} each time a
 * {@code FileContext} looks at a path, as Delta's log store does twice per commit file. The demo
 * forked 3,828 such processes, about 8 ms each on this machine (docs/operations.md). Here the
 * permission is set and the link checked through the JDK instead; what is written and read is
 * the same. Installed for {@code file:} by {@link #SETTINGS}, in the session ({@code Lakehouse})
 * and before it ({@code HadoopFiles}), unless the user configured those keys.
 */
public class ForklessLocalFileSystem extends LocalFileSystem {
  /** The Hadoop settings that install it: the FileSystem and the FileContext (AbstractFileSystem) of file:. */
  public static final Map<String, String> SETTINGS = Map.of(
      "fs.file.impl", ForklessLocalFileSystem.class.getName(),
      "fs.AbstractFileSystem.file.impl", Fs.class.getName());

  public ForklessLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-less) file system under it. */
  public static class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      // the sticky bit has no java.nio form; with the native library Hadoop forks nothing
      if (NativeIO.isAvailable() || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      try {
        // without the sticky bit FsPermission prints as POSIX does (rw-r-----)
        Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(permission.toString()));
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }

    /**
     * Hadoop asks {@code readlink} and, when the path is no link, returns its plain status (as it
     * also does for every qualified {@code file:} path, which readlink never finds).
     */
    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      File file = pathToFile(f);
      return Files.isSymbolicLink(file.toPath()) ? super.getFileLinkStatus(f) : getFileStatus(f);
    }
  }

  /** The FileContext side, as Hadoop's {@code LocalFs} (checksums over the raw file system). */
  public static class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new RawFs(conf));
    }
  }

  /** As Hadoop's {@code RawLocalFs}, over {@link Raw}. */
  static class RawFs extends DelegateToFileSystem {
    RawFs(Configuration conf) throws IOException, URISyntaxException {
      super(FsConstants.LOCAL_FS_URI, new Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1;
    }

    @Override
    public FsServerDefaults getServerDefaults(Path f) throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    @Deprecated
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true; // any name is valid on the local file system
    }
  }
}
