package io.cxlake.ingest;

/** A landing file as listed: identity for "already ingested" is path + size + modification time. */
record LandingFile(String path, long size, long modifiedMillis) {}
