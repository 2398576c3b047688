package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * cxlake's replacement for rapaio-jupyter-kernel 3.0.1's LoopThread (same name and API; put
 * before the kernel's jar on the classpath by `bin/cxlake notebook-setup`).
 *
 * Why: the kernel starts its channel threads (Channels.connect binds every socket) before it
 * fills its message-handler map. A kernel_info_request that arrives in between makes the
 * shell thread's loop body throw a NullPointerException, the thread dies, and the client
 * gives up with "Kernel didn't respond" (5 of 20 starts here). This loop survives a failing
 * iteration: the early request is dropped, the client re-sends kernel_info every second, and
 * the next one is answered.
 */
public final class LoopThread extends Thread {
  private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getSimpleName());

  private volatile boolean running = false;
  private final long sleep;
  private final Runnable loopBody;

  public LoopThread(String name, long sleep, Runnable loopBody) {
    super(name);
    this.sleep = sleep;
    this.loopBody = loopBody;
  }

  @Override
  public void run() {
    while (running) {
      try {
        loopBody.run();
      } catch (RuntimeException e) {
        LOGGER.log(Level.WARNING, getName() + ": a message could not be handled, the channel goes on", e);
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        running = false;
        break;
      }
    }
  }

  @Override
  public synchronized void start() {
    running = true;
    super.start();
  }

  public void shutdown() {
    running = false;
  }
}
