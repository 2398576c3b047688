package io.cxlake.platform;

import breeze.linalg.support.CanCopy;
import breeze.optimize.CachedDiffFunction;
import breeze.optimize.DiffFunction;
import java.util.function.Function;
import org.apache.xbean.asm9.ClassWriter;
import org.apache.xbean.asm9.MethodVisitor;
import org.apache.xbean.asm9.Opcodes;
import scala.Tuple2;

/**
 * A Breeze {@code DiffFunction} (what Breeze's optimisers minimise) from a Java function of the
 * point giving (value, gradient). Java source cannot implement or extend one: the Scala trait
 * has two {@code apply} methods that differ only in their return type (double and Object), which
 * javac and Janino both reject. So the class is written as bytecode, once: a subclass of
 * {@code CachedDiffFunction} whose {@code calculate} calls the Java function. The optimiser
 * should get it wrapped in a {@code CachedDiffFunction}, as MLlib wraps its losses.
 */
public final class BreezeDiffFunction {
  private BreezeDiffFunction() {}

  private static final String NAME = "io.cxlake.platform.BreezeDiffFunction$Generated";
  private static final Class<?> GENERATED = define();

  /** @param calculate from a point to (value, gradient) */
  @SuppressWarnings("unchecked")
  public static <T> DiffFunction<T> of(Function<T, Tuple2<Object, T>> calculate, CanCopy<T> copy) {
    try {
      return (DiffFunction<T>) GENERATED.getConstructor(Function.class, CanCopy.class).newInstance(calculate, copy);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a Breeze DiffFunction", e);
    }
  }

  private static Class<?> define() {
    String self = NAME.replace('.', '/');
    String parent = CachedDiffFunction.class.getName().replace('.', '/');
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, self, null, parent, null);
    w.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "calculate", "Ljava/util/function/Function;", null, null)
        .visitEnd();

    // (Function calculate, CanCopy copy): super(null, copy), the wrapped function unused
    MethodVisitor init = w.visitMethod(Opcodes.ACC_PUBLIC, "<init>",
        "(Ljava/util/function/Function;Lbreeze/linalg/support/CanCopy;)V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitInsn(Opcodes.ACONST_NULL);
    init.visitVarInsn(Opcodes.ALOAD, 2);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, parent, "<init>",
        "(Lbreeze/optimize/DiffFunction;Lbreeze/linalg/support/CanCopy;)V", false);
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitVarInsn(Opcodes.ALOAD, 1);
    init.visitFieldInsn(Opcodes.PUTFIELD, self, "calculate", "Ljava/util/function/Function;");
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();

    // Tuple2 calculate(Object x) { return (Tuple2) this.calculate.apply(x); }
    MethodVisitor calc = w.visitMethod(Opcodes.ACC_PUBLIC, "calculate", "(Ljava/lang/Object;)Lscala/Tuple2;", null, null);
    calc.visitCode();
    calc.visitVarInsn(Opcodes.ALOAD, 0);
    calc.visitFieldInsn(Opcodes.GETFIELD, self, "calculate", "Ljava/util/function/Function;");
    calc.visitVarInsn(Opcodes.ALOAD, 1);
    calc.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/util/function/Function", "apply",
        "(Ljava/lang/Object;)Ljava/lang/Object;", true);
    calc.visitTypeInsn(Opcodes.CHECKCAST, "scala/Tuple2");
    calc.visitInsn(Opcodes.ARETURN);
    calc.visitMaxs(0, 0);
    calc.visitEnd();
    w.visitEnd();

    byte[] bytes = w.toByteArray();
    return new ClassLoader(CachedDiffFunction.class.getClassLoader()) {
      Class<?> load() {
        return defineClass(NAME, bytes, 0, bytes.length);
      }
    }.load();
  }
}
