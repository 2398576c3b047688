package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session's file: file system sets permissions and answers link checks as Hadoop's does. */
class ForklessLocalFileSystemTest {
  private static Configuration conf() {
    return TestSpark.session().sparkContext().hadoopConfiguration();
  }

  private static String mode(java.nio.file.Path p) throws java.io.IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theSessionsLocalFileSystemAndFileContextAreTheForklessOnes(@TempDir java.nio.file.Path dir) throws Exception {
    Path root = new Path(dir.toUri());
    assertInstanceOf(ForklessLocalFileSystem.class, root.getFileSystem(conf()));
    assertInstanceOf(ForklessLocalFileSystem.class, FileSystem.getLocal(conf()));
    FileContext fc = FileContext.getFileContext(root.toUri(), conf());
    // what Delta's log store does for a commit file: a temporary file, renamed without overwrite
    Path tmp = new Path(root, ".00000.json.tmp");
    try (FSDataOutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }
    Path commit = new Path(root, "00000.json");
    fc.rename(tmp, commit, Options.Rename.NONE);
    FileStatus s = fc.getFileLinkStatus(commit);
    assertFalse(s.isSymlink());
    assertEquals(2, s.getLen());
    // the rename refuses an existing target: what makes a Delta commit exclusive
    Path again = new Path(root, ".again.tmp");
    try (FSDataOutputStream out = fc.create(again, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
      out.write('x');
    }
    assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class, () -> fc.rename(again, commit, Options.Rename.NONE));
    assertThrows(java.io.FileNotFoundException.class, () -> fc.getFileLinkStatus(new Path(root, "absent")));
  }

  @Test
  void filesAndFoldersGetThePermissionTheyAreCreatedWith(@TempDir java.nio.file.Path dir) throws Exception {
    FileSystem fs = new Path(dir.toUri()).getFileSystem(conf());
    Path folder = new Path(dir.toUri().toString(), "a/b");
    assertTrue(fs.mkdirs(folder, new FsPermission((short) 0750)));
    assertEquals("rwxr-x---", mode(dir.resolve("a/b")));
    Path file = new Path(folder, "f.parquet");
    fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null).close();
    assertEquals("rw-r-----", mode(dir.resolve("a/b/f.parquet")));
    fs.setPermission(file, new FsPermission((short) 0604));
    assertEquals("rw----r--", mode(dir.resolve("a/b/f.parquet")));
    assertEquals(new FsPermission((short) 0604), fs.getFileStatus(file).getPermission());
    // the sticky bit has no java.nio form: Hadoop's own way sets it
    fs.setPermission(folder, new FsPermission((short) 01777));
    assertEquals(new FsPermission((short) 01777), fs.getFileStatus(folder).getPermission());
  }
}
