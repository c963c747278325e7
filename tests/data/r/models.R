# R 4.2.2 reference values for iectox.stats.models (tests/test_stats_models_r.py). R never runs in CI: this
# script wrote models_r.json, each value beside the R call that computed it.
#   Rscript tests/data/r/models.R   (from the repository root; MASS 7.3-58.2, sandwich 3.0-2, survey 4.1-1,
#   survival 3.4-0, jsonlite)
suppressPackageStartupMessages({library(MASS); library(sandwich); library(survey); library(survival)})
d <- read.csv("tests/data/r/models_data.csv")
d$cohort <- factor(d$cohort, levels = c("clinical_trial", "standard_of_care"))
d$indication_group <- factor(d$indication_group, levels = c("lbcl", "myeloma", "other"))
d$product_class <- factor(d$product_class, levels = c("cd19", "bcma"))
out <- list()
num <- function(x) unname(as.numeric(x))
glm_values <- function(call, fit, cluster = NULL) {
  s <- coef(summary(fit))
  v <- list(call = call, terms = rownames(s), coef = num(s[, 1]), se = num(s[, 2]), stat = num(s[, 3]),
            p = num(s[, 4]), wald_low = num(confint.default(fit)[, 1]), wald_high = num(confint.default(fit)[, 2]),
            deviance = fit$deviance, iter = fit$iter,
            hc0_se = num(sqrt(diag(vcovHC(fit, type = "HC0")))),
            hc1_se = num(sqrt(diag(vcovHC(fit, type = "HC1")))),
            profile_low = if (inherits(fit, "negbin")) NULL else num(suppressMessages(confint(fit))[, 1]),
            profile_high = if (inherits(fit, "negbin")) NULL else num(suppressMessages(confint(fit))[, 2]),
            lm_low = if (fit$family$family == "gaussian") num(confint(lm(formula(fit), data = d))[, 1]) else NULL,
            lm_high = if (fit$family$family == "gaussian") num(confint(lm(formula(fit), data = d))[, 2]) else NULL,
            cl_se = num(sqrt(diag(vcovCL(fit, cluster = ~patient_id)))),
            cl_p = num(lmtest::coeftest(fit, vcov. = vcovCL(fit, cluster = ~patient_id))[, 4]),
            cl_hc0_se = num(sqrt(diag(vcovCL(fit, cluster = ~patient_id, type = "HC0")))))
  v
}
adj <- "cohort + age + weight_kg + indication_group + product_class"
for (y in c("crs_any", "crs_grade2", "icans_any")) {
  call <- sprintf("glm(%s ~ %s, family = binomial, data = d)", y, adj)
  out[[paste0("logit_", y)]] <- glm_values(call, eval(parse(text = call)))
}
for (x in c("cohort", "age", "weight_kg", "indication_group", "product_class")) {
  call <- sprintf("glm(crs_any ~ %s, family = binomial, data = d)", x)
  out[[paste0("uv_crs_any_", x)]] <- glm_values(call, eval(parse(text = call)))
}
call <- "glm(injections ~ cohort + product_class + age, family = poisson, data = d)"
out$poisson <- glm_values(call, eval(parse(text = call)))
call <- "glm.nb(injections ~ cohort + product_class + age, data = d)"
nb <- eval(parse(text = call))
out$negbin <- c(glm_values(call, nb), list(theta = nb$theta, theta_se = nb$SE.theta, twologlik = nb$twologlik))
call <- "glm(delay_h ~ cohort + age, family = gaussian, data = d)"
out$gaussian <- glm_values(call, eval(parse(text = call)))
call <- "coxph(Surv(days, status) ~ cohort + age + indication_group, data = d, ties = 'efron')"
cx <- eval(parse(text = call))
s <- coef(summary(cx))
out$cox <- list(call = call, terms = rownames(s), coef = num(s[, 1]), se = num(s[, 3]), p = num(s[, 5]),
                loglik = num(cx$loglik[2]), iter = cx$iter)
call <- "coxph(Surv(days, status) ~ cohort + age + indication_group, data = d, ties = 'efron', cluster = patient_id)"
cx <- eval(parse(text = call))
s <- coef(summary(cx))
out$cox_cluster <- list(call = call, coef = num(s[, 1]), robust_se = num(s[, 4]), p = num(s[, 6]))
# Propensity score: P(standard of care | covariates); weights; Kish effective sample size
call <- "glm(cohort == 'standard_of_care' ~ age + weight_kg + indication_group + product_class, family = binomial, data = d)"
ps_fit <- eval(parse(text = call))
ps <- fitted(ps_fit)
z <- d$cohort == "standard_of_care"
w <- list(ate = ifelse(z, 1 / ps, 1 / (1 - ps)), att = ifelse(z, 1, ps / (1 - ps)), overlap = ifelse(z, 1 - ps, ps))
out$propensity <- list(call = call, ps_head = num(ps[1:10]), ps_sum = sum(ps),
                       weights_note = "ate: z/ps + (1-z)/(1-ps); att (treated = standard_of_care): z + (1-z) ps/(1-ps); overlap: z (1-ps) + (1-z) ps")
for (k in names(w)) {
  d$w <- w[[k]]
  ess <- tapply(d$w, d$cohort, function(x) sum(x)^2 / sum(x^2))
  des <- svydesign(ids = ~1, weights = ~w, data = d)
  # tableone svyCreateTableOne's SMD (tableone R/modules-smd.R: svyStdDiff and svyStdDiffMulti), written out
  smd_cont <- function(v) {
    m <- svyby(as.formula(paste("~", v)), ~cohort, des, svymean)[, 2]
    s2 <- svyby(as.formula(paste("~", v)), ~cohort, des, svyvar)[, 2]
    abs(m[2] - m[1]) / sqrt((s2[1] + s2[2]) / 2)
  }
  smd_cat <- function(v) {
    tab <- svytable(as.formula(paste("~ cohort +", v)), des)
    p <- prop.table(tab, 1)[, -1, drop = FALSE]
    cv <- function(q) { m <- -outer(q, q); diag(m) <- q * (1 - q); m }
    S <- (cv(p[1, ]) + cv(p[2, ])) / 2
    dlt <- p[1, ] - p[2, ]
    sqrt(drop(t(dlt) %*% ginv(S) %*% dlt))
  }
  wm <- svyby(~age, ~cohort, des, svymean)[, 2]
  sv <- svyby(~age, ~cohort, des, svyvar)[, 2]
  f1 <- svyglm(delay_h ~ cohort, design = des)
  g1 <- glm(delay_h ~ cohort, data = d, weights = w)
  desc <- svydesign(ids = ~patient_id, weights = ~w, data = d)
  f2 <- svyglm(delay_h ~ cohort, design = desc)
  f3 <- svyglm(crs_any ~ cohort, design = des, family = quasibinomial)
  g3 <- glm(crs_any ~ cohort, data = d, weights = w, family = quasibinomial)
  out[[paste0("weights_", k)]] <- list(
    w_sum = num(tapply(d$w, d$cohort, sum)), ess = num(ess),
    age_mean = num(wm), age_var = num(sv),
    smd = list(age = num(smd_cont("age")), weight_kg = num(smd_cont("weight_kg")),
               indication_group = num(smd_cat("indication_group")), product_class = num(smd_cat("product_class"))),
    svyglm_delay = list(call = "svyglm(delay_h ~ cohort, design = svydesign(ids = ~1, weights = ~w, data = d))",
                        coef = num(coef(f1)), se = num(SE(f1)), p = num(coef(summary(f1))[, 4]),
                        ci = num(confint(f1)[2, ]),
                        df_resid = f1$df.residual),
    glm_delay_hc0 = list(call = "sqrt(diag(vcovHC(glm(delay_h ~ cohort, weights = w), type = 'HC0')))",
                         coef = num(coef(g1)), se = num(sqrt(diag(vcovHC(g1, type = "HC0"))))),
    svyglm_delay_cluster = list(call = "svyglm(delay_h ~ cohort, design = svydesign(ids = ~patient_id, weights = ~w, data = d))",
                                se = num(SE(f2)), p = num(coef(summary(f2))[, 4]), ci = num(confint(f2)[2, ]),
                                df_resid = f2$df.residual,
                                vcovcl_hc0_se = num(sqrt(diag(vcovCL(g1, cluster = ~patient_id, type = "HC0"))))),
    svyglm_crs = list(call = "svyglm(crs_any ~ cohort, design = des, family = quasibinomial)",
                      coef = num(coef(f3)), se = num(SE(f3)),
                      glm_hc0_se = num(sqrt(diag(vcovHC(g3, type = "HC0"))))))
}
# Edge cases, recorded as R reports them (iectox refuses to print estimates for them)
sep <- data.frame(x = c(1, 2, 3, 4, 5, 6), y = c(0, 0, 0, 1, 1, 1))
f <- suppressWarnings(glm(y ~ x, family = binomial, data = sep))
out$separation <- list(call = "glm(y ~ x, family = binomial, data = data.frame(x = 1:6, y = c(0,0,0,1,1,1)))",
                       coef = num(coef(f)), se = num(sqrt(diag(vcov(f)))), converged = f$converged,
                       warning = "glm.fit: fitted probabilities numerically 0 or 1 occurred")
e <- d; e$indication_group <- factor(as.character(e$indication_group), levels = c("lbcl", "myeloma", "other", "mcl"))
f <- glm(crs_any ~ cohort + indication_group, family = binomial, data = e)
out$empty_level <- list(call = "glm(crs_any ~ cohort + indication_group, binomial) with unused level mcl",
                        coef = num(coef(f)), terms = names(coef(f)))
f <- glm(crs_any ~ cohort + indication_group, family = binomial, data = d)
out$empty_level_dropped <- list(coef = num(coef(f)), se = num(sqrt(diag(vcov(f)))))
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/data/r/models_r.json")
