// Triggered WebJob example in Java. The host runs a .jar in a job package
// with `java -jar`. build.sh (one folder up) makes hello.jar with
// Main-Class: Hello in its manifest.
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    System.out.println("Hello from Java " + System.getProperty("java.version"));
    System.out.println("Job: " + envOrUnset("WEBJOBS_NAME") + ", run: " + envOrUnset("WEBJOBS_RUN_ID"));
    System.out.println("Argument count: " + args.length);
    for (int i = 0; i < args.length; i++) {
      System.out.println("  argument " + (i + 1) + ": " + args[i]);
    }
    System.out.println("Data folder: " + envOrUnset("WEBJOBS_DATA_PATH"));
  }

  private static String envOrUnset(String name) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? "(" + name + " not set)" : value;
  }
}
