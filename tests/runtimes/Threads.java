// A small JVM program (tests/runtimes.rs), run with `java -Xss136k`,
// HotSpot's smallest Java thread stack. Four threads each write a file,
// read it back and compute a sum; the main thread prints the results in
// order.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class Threads {
    public static void main(String[] args) throws Exception {
        final int n = 4;
        final String[] results = new String[n];
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            final int index = i;
            threads[i] = new Thread(() -> {
                try {
                    Path file = Path.of("jvm-thread-" + index + ".txt");
                    long sum = 0;
                    for (int k = 0; k <= 1000 * (index + 1); k++) {
                        sum += k;
                    }
                    Files.writeString(file, "thread " + index + " sum " + sum, StandardCharsets.UTF_8);
                    results[index] = Files.readString(file, StandardCharsets.UTF_8);
                    Files.delete(file);
                } catch (Exception e) {
                    results[index] = "failed: " + e;
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int i = 0; i < n; i++) {
            System.out.println(i + ": " + results[i]);
        }
        System.out.println("jvm: done");
        System.exit(8);
    }
}
