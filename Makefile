# `sam build` runs the target below (template.yaml: Metadata BuildMethod: makefile), with
# ARTIFACTS_DIR set to the function's build directory. It calls the pinned Maven wrapper, so no
# Maven of your own is needed, and skips the tests: they need moto and belong to the test
# command, not to packaging. Needs a JDK 21 or newer, from JAVA_HOME or else from PATH.

JAVA := $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)
JAR := target/privatelink-health.jar

.PHONY: build-CheckerFunction check-jdk

check-jdk:
	@version=$$("$(JAVA)" -XshowSettings:properties -version 2>&1 | \
	    sed -n 's/^ *java.specification.version = //p'); \
	if [ -z "$$version" ] || [ "$${version%%.*}" -lt 21 ]; then \
	  echo "privatelink-health needs JDK 21 or newer to build, but $(JAVA) is" \
	    "$${version:-not a working java}: set JAVA_HOME to a JDK 21+ and run sam build again." >&2; \
	  exit 1; \
	fi

# Lambda's java21 runtime puts every jar in lib/ on the class path; the shaded jar keeps its
# Multi-Release manifest there, as the tests run it.
build-CheckerFunction: check-jdk
	./mvnw -B -q package -DskipTests
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(JAR) "$(ARTIFACTS_DIR)/lib/"
