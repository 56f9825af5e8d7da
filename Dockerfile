# The operator image: the fat jar on a JRE 25, as a non-root numeric user. The code is built for
# Java 17 and runs on any later JDK; the image takes the current LTS, which keeps the operator
# smaller (compact object headers, string deduplication with the serial collector).
#   mvn -B -DskipTests package          # builds operator-app/target/operator.jar
#   docker build -t <registry>/pg-operator:<tag> .
# Runs with a read-only root filesystem; /tmp is an emptyDir in deploy/operator/deployment.yaml.
FROM eclipse-temurin:25-jre

LABEL org.opencontainers.image.title="pg-operator" \
      org.opencontainers.image.description="Highly available Kubernetes operator for PostgreSQL"

WORKDIR /app
COPY operator-app/target/operator.jar /app/operator.jar

# Numeric, so Kubernetes can verify runAsNonRoot without an /etc/passwd entry; matches the
# Deployment's runAsUser/runAsGroup.
USER 65532:65532

# 8080: /metrics (Prometheus); 8081: /healthz, /readyz.
EXPOSE 8080 8081

# JVM flags, explained in deploy/README.md and measured with SizingBenchmark (Temurin 25, the
# Deployment's 512Mi, a leader and a standby, idle and with 1,000 and 5,000 clusters cached).
# Docker drops the comment lines inside the instruction.
ENTRYPOINT ["java", \
            # Heap limit from the container's memory limit (256 MiB of 512Mi); the rest holds the
            # 140-180 MiB outside the heap when the heap has grown to its limit (a leader creating
            # 5,000 clusters peaked at 420 MiB RSS; 470 with 60 %, 531 with 75 %).
            "-XX:MaxRAMPercentage=50", \
            # The collector with the smallest footprint; a few milliseconds per pause at this size.
            "-XX:+UseSerialGC", \
            # Out of memory: exit, be restarted, let a standby lead.
            "-XX:+ExitOnOutOfMemoryError", \
            # Half the default thread stack; no deep recursion.
            "-Xss512k", \
            # A class-loading leak ends in a restart (about 50 MiB are used).
            "-XX:MaxMetaspaceSize=96m", \
            # C1 only: 30 MiB less than with C2, whose speed the operator does not need.
            "-XX:TieredStopAtLevel=1", \
            # C1's code fits (about 25 MiB with 1,000 clusters); the default reserves 240 MiB.
            "-XX:ReservedCodeCacheSize=32m", \
            # 8-byte object headers (12 before): every cached object is smaller.
            "-XX:+UseCompactObjectHeaders", \
            # Cached objects repeat the same strings: 136 -> 96 MiB live heap with 1,000 clusters.
            "-XX:+UseStringDeduplication", \
            # The heap follows the live set (10-20 % free after a full GC, not 40-70 %)...
            "-XX:MinHeapFreeRatio=10", \
            "-XX:MaxHeapFreeRatio=20", \
            # ...and its young generation is a fifth of it, not a third.
            "-XX:NewRatio=4", \
            "-jar", "/app/operator.jar"]
