"""RescueCaseWorkflow: one person's case, from the discovery report to closed.

Updates: ``complete_task`` (validated: right task, right assignee, right payload; answers the
case state once the case has moved on), ``record_departure``, ``record_death``, ``reclassify``,
``transfer``, ``record_care``, ``refer_behaviour``, ``request_treatment``, ``correct_identity``.
Signals: ``dna_result`` (police callback), ``treatment_discharged`` (from a treatment episode),
``family_search_match`` (a missing-person report likely describes the person).
Queries: ``state``.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.callbacks import SIGNAL_DNA_RESULT, DnaResult
    from domain.case import CaseAck, RescueCaseInput, RescueCaseResult
    from domain.case_actions import (
        BehaviourReferralInput,
        CareRecordInput,
        DeathInput,
        DepartureInput,
        IdentityCorrectionInput,
        ReclassifyInput,
        TransferInput,
        TreatmentRequestInput,
    )
    from domain.child_flows import SIGNAL_TREATMENT_DISCHARGED, TreatmentDischarged
    from domain.enums import CaseOutcome, Stage, label
    from domain.missing_match import FAMILY_SEARCH_MATCH_SIGNAL, FamilySearchMatch
    from workflows import case_actions as actions
    from workflows.case_carry import restore
    from workflows.case_runtime import CaseRuntime
    from workflows.legacy_v1 import run_v1
    from workflows.lifecycle import run_lifecycle
    from workflows.task_owner import TaskOwner
    from workflows.treatment import treat

PATCH_LIFECYCLE_V2 = "lifecycle-v2"
"""Cases started before it run the foundation's linear path (legacy_v1)."""


@workflow.defn
class RescueCaseWorkflow(TaskOwner):
    """Discovery → admission and classification → identity search → return home → handover
    (→ FollowUpWorkflow); every wait is a task with an assignee and a deadline."""

    @workflow.init
    def __init__(self, inp: RescueCaseInput) -> None:
        # Built before any handler runs, so updates and queries always see the state.
        self.rt = CaseRuntime(inp)
        if inp.carry is not None:
            restore(self.rt, inp.carry)

    @workflow.run
    async def run(self, inp: RescueCaseInput) -> RescueCaseResult:
        rt = self.rt
        report = inp.report
        if inp.carry is not None:
            outcome = await run_lifecycle(rt, resumed=True)
            return await self._closed(outcome)
        rt.event("reported", f"发现途径：{label(report.channel)}，发现地点：{report.place}",
                 actor=inp.reported_by.username, channel=report.channel.value)
        outcome = None
        if rt.patched(PATCH_LIFECYCLE_V2):
            outcome = await run_lifecycle(rt)
        else:
            await run_v1(rt)
            rt.set_stage(Stage.CLOSED)
            rt.event("closed", "个案办结")
            await rt.sync(closed=True)
        return await self._closed(outcome)

    async def _closed(self, outcome: CaseOutcome | None) -> RescueCaseResult:
        self.rt.busy = False
        await workflow.wait_condition(workflow.all_handlers_finished)
        inp = self.rt.input
        return RescueCaseResult(case_id=inp.case_id, case_number=inp.case_number,
                                stage=Stage.CLOSED, closed_at=workflow.now(), outcome=outcome)

    async def _recorded(self) -> CaseAck:
        await self.rt.sync()
        return self.rt.ack(outcome="recorded")

    @workflow.update
    async def record_departure(self, inp: DepartureInput) -> CaseAck:
        """Open rescue ends when the person leaves (自行离站); the case closes with a record."""
        actions.apply_departure(self.rt, inp)
        return await self._recorded()

    @record_departure.validator
    def _validate_departure(self, inp: DepartureInput) -> None:
        actions.validate_departure(self.rt, inp)

    @workflow.update
    async def record_death(self, inp: DeathInput) -> CaseAck:
        """The person died: the records the plan expects, and the case closes."""
        actions.apply_death(self.rt, inp)
        return await self._recorded()

    @record_death.validator
    def _validate_death(self, inp: DeathInput) -> None:
        actions.validate_death(self.rt, inp)

    @workflow.update
    async def reclassify(self, inp: ReclassifyInput) -> CaseAck:
        """Change the classification during the stay, with its reason on record."""
        actions.apply_reclassify(self.rt, inp)
        return await self._recorded()

    @reclassify.validator
    def _validate_reclassify(self, inp: ReclassifyInput) -> None:
        actions.validate_reclassify(self.rt, inp)

    @workflow.update
    async def transfer(self, inp: TransferInput) -> CaseAck:
        """Move the case to another station; open tasks follow it. Out of the city, it closes."""
        actions.apply_transfer(self.rt, inp)
        return await self._recorded()

    @transfer.validator
    def _validate_transfer(self, inp: TransferInput) -> None:
        actions.validate_transfer(self.rt, inp)

    @workflow.update
    async def record_care(self, inp: CareRecordInput) -> CaseAck:
        """A service given during the stay (meals, clothing, counselling, training, belongings)."""
        actions.apply_care(self.rt, inp)
        return await self._recorded()

    @record_care.validator
    def _validate_care(self, inp: CareRecordInput) -> None:
        actions.validate_care(self.rt, inp)

    @workflow.update
    async def refer_behaviour(self, inp: BehaviourReferralInput) -> CaseAck:
        """Harmful behaviour referred to police or urban management: recorded, not judged."""
        actions.apply_referral(self.rt, inp)
        return await self._recorded()

    @refer_behaviour.validator
    def _validate_referral(self, inp: BehaviourReferralInput) -> None:
        actions.check_staff(self.rt, inp.actor)

    @workflow.update
    async def request_treatment(self, inp: TreatmentRequestInput) -> CaseAck:
        """Send the person to the designated hospital now (any stage, as often as needed)."""
        self.rt.event("treatment_requested", "救助站安排送医救治", actor=inp.actor.username)
        await treat(self.rt, reason=inp.reason, wait_discharge=False)
        return self.rt.ack(outcome="recorded")

    @request_treatment.validator
    def _validate_treatment(self, inp: TreatmentRequestInput) -> None:
        actions.validate_treatment(self.rt, inp)

    @workflow.update
    async def correct_identity(self, inp: IdentityCorrectionInput) -> CaseAck:
        """Add or correct name, identity number, birth date or origin after registration, with
        who and why on record; the household lookup runs again if asked."""
        actions.apply_identity_correction(self.rt, inp)
        return await self._recorded()

    @correct_identity.validator
    def _validate_identity(self, inp: IdentityCorrectionInput) -> None:
        actions.validate_identity_correction(self.rt, inp)

    @workflow.signal(name=SIGNAL_DNA_RESULT)
    def dna_result(self, result: DnaResult) -> None:
        """The police DNA database's comparison (days or months later)."""
        actions.on_dna_result(self.rt, result)

    @workflow.signal(name=FAMILY_SEARCH_MATCH_SIGNAL)
    def family_search_match(self, match: FamilySearchMatch) -> None:
        """A new missing-person report likely describes this person: verify with the family."""
        actions.on_family_search_match(self.rt, match)

    @workflow.signal(name=SIGNAL_TREATMENT_DISCHARGED)
    def treatment_discharged(self, discharged: TreatmentDischarged) -> None:
        """A treatment episode of this case ended in a discharge."""
        actions.on_discharged(self.rt, discharged)
