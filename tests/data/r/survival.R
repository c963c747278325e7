# Reference values for tests/test_stats_survival.py, computed by R 4.2.2 with survival 3.5-3 and cmprsk 2.2-11.
# Run from the repository root (R is never needed by the tests, which read survival_values.json):
#   Rscript tests/data/r/survival.R
# Inputs: tests/data/r/survival_inputs.json (time, status 0 censored / 1 event / 2 competing, group).
# Kaplan-Meier and the log-rank test treat status 1 as the event (2 censored: cause-specific).
library(survival)
library(cmprsk)
library(jsonlite)

cases <- fromJSON("tests/data/r/survival_inputs.json", simplifyVector = TRUE)
times <- c(0, 1, 2, 7, 14, 28, 1000)   # number at risk / estimates at these times

km <- function(time, event) {
  fit <- survfit(Surv(time, event) ~ 1)                       # conf.type = "log" (the default)
  q <- quantile(fit, c(0.25, 0.5, 0.75))
  s <- summary(fit, times = times, extend = TRUE)
  list(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
       surv = fit$surv, std_err = fit$std.err, lower = fit$lower, upper = fit$upper,
       quantile = unname(q$quantile), quantile_lower = unname(q$lower), quantile_upper = unname(q$upper),
       at_times = s$time, at_surv = s$surv, at_n_risk = s$n.risk)
}

out <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
            cmprsk = as.character(packageVersion("cmprsk")), times = times, cases = list())
for (name in names(cases)) {
  d <- cases[[name]]
  time <- d$time; status <- d$status; group <- d$group
  res <- list()
  res$km_call <- "survfit(Surv(time, status == 1) ~ 1); quantile(fit, c(.25, .5, .75)); summary(fit, times, extend = TRUE)"
  res$km <- km(time, as.integer(status == 1))
  res$km_groups <- lapply(split(seq_along(time), group), function(i) km(time[i], as.integer(status[i] == 1)))
  res$follow_up_call <- "quantile(survfit(Surv(time, status == 0) ~ 1), 0.5)   # reverse Kaplan-Meier"
  q <- quantile(survfit(Surv(time, as.integer(status == 0)) ~ 1), 0.5)
  res$follow_up <- c(q$quantile, q$lower, q$upper)
  if (any(status == 1)) {
    res$survdiff_call <- "survdiff(Surv(time, status == 1) ~ group)"
    sd <- survdiff(Surv(time, status == 1) ~ group)
    res$survdiff <- list(chisq = sd$chisq, df = length(sd$n) - 1, p = sd$pvalue,
                         groups = sub("group=", "", names(sd$n)), n = as.vector(sd$n),
                         obs = as.vector(sd$obs), exp = as.vector(sd$exp))
  }
  res$cuminc_call <- "cuminc(time, status, group); timepoints(fit, times)"
  if (any(status != 0)) {
    fit <- cuminc(time, status, group)
    curves <- fit[names(fit) != "Tests"]
    res$cuminc <- lapply(curves, function(cv) list(time = cv$time, est = cv$est, var = cv$var))
    tp <- timepoints(fit, times)
    res$timepoints <- list(names = rownames(tp$est), est = unname(tp$est), var = unname(tp$var))
    # 95% CI as tidycmprsk's add_conf.int: estimate^exp(-/+ qnorm(.975) se / (estimate log(estimate)))
    se <- sqrt(tp$var)
    res$timepoints$low <- unname(tp$est^exp(qnorm(0.025) * se / (tp$est * log(tp$est))))
    res$timepoints$high <- unname(tp$est^exp(-qnorm(0.025) * se / (tp$est * log(tp$est))))
    if (!is.null(fit$Tests)) res$tests <- list(causes = rownames(fit$Tests), stat = unname(fit$Tests[, "stat"]),
                                              pv = unname(fit$Tests[, "pv"]), df = unname(fit$Tests[, "df"]))
  }
  out$cases[[name]] <- res
}
writeLines(toJSON(out, digits = I(17), na = "string", auto_unbox = TRUE, matrix = "rowmajor"),
           "tests/data/r/survival_values.json")
